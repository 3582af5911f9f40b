import type { SimpleHTTPRequestHandler } from "../handlers/simple-handler.js";

/** The request log line: Python's, the combined format of nginx and Apache, or one JSON object. */
export type LogFormat = "python" | "combined" | "json";

/** What one request's log line says. */
export interface LogFields {
  readonly address: string;
  /** When the response was sent (ms since the epoch). */
  readonly time: number;
  readonly requestline: string;
  readonly method: string;
  readonly path: string;
  readonly protocol: string;
  readonly status: number | string;
  /** Body bytes sent (0 for none). */
  readonly bytes: number;
  readonly referer: string | undefined;
  readonly userAgent: string | undefined;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad = (n: number): string => (n < 10 ? "0" + n : String(n));

/** nginx's `$time_local`: `30/Nov/2026:09:15:42 +0000`. */
export function timeLocal(ms: number): string {
  const d = new Date(ms);
  const off = -d.getTimezoneOffset();
  const abs = Math.abs(off);
  const zone = `${off < 0 ? "-" : "+"}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
  return `${pad(d.getDate())}/${MONTHS[d.getMonth()]}/${d.getFullYear()}:${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${zone}`;
}

/** nginx's escaping of a logged string: `"`, `\` and bytes outside printable ASCII as `\xHH`. */
function escapeField(s: string): string {
  return s.replace(/[\x00-\x1f"\\\x7f-\uffff]/g, (c) => {
    const code = c.charCodeAt(0);
    // Heads are read as latin-1, so every character is a byte; anything wider is written as \uHHHH.
    return code > 0xff ? "\\u" + code.toString(16).toUpperCase().padStart(4, "0") : "\\x" + code.toString(16).toUpperCase().padStart(2, "0");
  });
}

/**
 * The combined log format (nginx's default `combined`, Apache's
 * `%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"`), with nginx's
 * escaping, so log tools (GoAccess, AWStats, fail2ban) read it.
 */
export function combinedLine(f: LogFields): string {
  const q = (s: string | undefined): string => (s === undefined || s === "" ? "-" : escapeField(s));
  return `${f.address} - - [${timeLocal(f.time)}] "${q(f.requestline)}" ${f.status} ${f.bytes} "${q(f.referer)}" "${q(f.userAgent)}"\n`;
}

/** One JSON object a line, for log pipelines. */
export function jsonLine(f: LogFields): string {
  return (
    JSON.stringify({
      time: new Date(f.time).toISOString(),
      remote_addr: f.address,
      method: f.method,
      path: f.path,
      protocol: f.protocol,
      status: typeof f.status === "number" ? f.status : Number(f.status) || f.status,
      bytes: f.bytes,
      referer: f.referer ?? null,
      user_agent: f.userAgent ?? null,
    }) + "\n"
  );
}

/**
 * `Base` logging each request as one `format` line once its response has
 * been sent (so the line carries the bytes sent), through `writeLog`, where
 * Python's line is written as the response starts. Errors (`logError`) keep
 * Python's line.
 */
export function withLogFormat<T extends typeof SimpleHTTPRequestHandler>(Base: T, format: Exclude<LogFormat, "python">): T {
  const line = format === "json" ? jsonLine : combinedLine;
  const B = Base as typeof SimpleHTTPRequestHandler;
  class FormattedLog extends B {
    #status: number | string | null = null;
    #time = 0;

    override logRequest(code: number | string = "-"): void {
      this.#status = code;
      this.#time = Date.now();
    }

    override async handleOneRequest(): Promise<void> {
      this.#status = null;
      try {
        await super.handleOneRequest();
      } finally {
        if (this.#status !== null) {
          this.writeLog(
            line({
              address: this.addressString(),
              time: this.#time,
              requestline: this.requestline,
              method: this.command ?? "",
              path: this.path,
              protocol: this.requestVersion,
              status: this.#status,
              bytes: this.wfile.bodyBytes,
              referer: this.headers.get("Referer"),
              userAgent: this.headers.get("User-Agent"),
            }),
          );
        }
      }
    }
  }
  Object.defineProperty(FormattedLog, "name", { value: B.name });
  return FormattedLog as unknown as T;
}
