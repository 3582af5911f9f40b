/**
 * A minimal, strict HTTP/1.x response parser for tests: splits the bytes a
 * server sent into responses (status line, headers, body framed by
 * Content-Length, chunked, or the end of the connection).
 *
 *   const { responses } = parseResponses(data, { closed: true });
 *   assert.equal(responses[0]?.status, 200);
 *
 * Interim (1xx) responses are listed as their own entries with `interim: true`.
 */

export interface ParsedResponse {
  /** `HTTP/1.1` as sent. */
  version: string;
  status: number;
  /** The reason phrase ('' when absent). */
  reason: string;
  /** The status line without CRLF. */
  statusLine: string;
  /** Header fields in order, names as sent, values latin-1 decoded. */
  headers: Array<[string, string]>;
  /** First value of a header (case-insensitive). */
  header(name: string): string | undefined;
  /** Every value of a header (case-insensitive). */
  headerAll(name: string): string[];
  /** The body, unframed (chunked decoded). */
  body: Buffer;
  /** How the body was framed. */
  framing: "none" | "length" | "chunked" | "eof";
  /** A 1xx response. */
  interim: boolean;
  /** The exact bytes of this response. */
  raw: Buffer;
}

export interface ParseOptions {
  /** The connection has ended: a body without length runs to the end of `data`. */
  closed?: boolean;
  /** The request method of each final response in order (HEAD responses have no body). */
  methods?: readonly string[];
}

export interface ParseResult {
  responses: ParsedResponse[];
  /** Bytes after the last complete response. */
  rest: Buffer;
  /** True when `rest` is empty (every byte belonged to a complete response). */
  complete: boolean;
}

const CRLF = Buffer.from("\r\n");

function makeResponse(
  statusLine: string,
  headers: Array<[string, string]>,
  body: Buffer,
  framing: ParsedResponse["framing"],
  raw: Buffer,
): ParsedResponse {
  const m = /^(HTTP\/\d+\.\d+) (\d{3})(?: (.*))?$/.exec(statusLine);
  if (!m) throw new Error(`bad status line ${JSON.stringify(statusLine)}`);
  const status = Number(m[2]);
  return {
    version: m[1] as string,
    status,
    reason: m[3] ?? "",
    statusLine,
    headers,
    header: (name) => headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1],
    headerAll: (name) => headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v),
    body,
    framing,
    interim: status < 200,
    raw,
  };
}

/** Decodes a chunked body from `buf[pos..]`; returns [body, end] or null when incomplete. Throws on bad framing. */
function decodeChunked(buf: Buffer, pos: number): [Buffer, number] | null {
  const parts: Buffer[] = [];
  for (;;) {
    const eol = buf.indexOf(CRLF, pos);
    if (eol < 0) return null;
    const line = buf.toString("latin1", pos, eol);
    const size = parseInt(line.split(";")[0] as string, 16);
    if (!/^[0-9a-fA-F]+/.test(line) || !Number.isFinite(size)) throw new Error(`bad chunk size line ${JSON.stringify(line)}`);
    pos = eol + 2;
    if (size === 0) {
      // trailers until an empty line
      for (;;) {
        const e = buf.indexOf(CRLF, pos);
        if (e < 0) return null;
        const empty = e === pos;
        pos = e + 2;
        if (empty) return [Buffer.concat(parts), pos];
      }
    }
    if (buf.length < pos + size + 2) return null;
    parts.push(buf.subarray(pos, pos + size));
    if (buf[pos + size] !== 0x0d || buf[pos + size + 1] !== 0x0a) throw new Error("chunk data not followed by CRLF");
    pos += size + 2;
  }
}

/** Splits `data` into complete responses. Throws on bytes that cannot be a response. */
export function parseResponses(data: Buffer, opts: ParseOptions = {}): ParseResult {
  const responses: ParsedResponse[] = [];
  let pos = 0;
  let finals = 0;
  while (pos < data.length) {
    const headEnd = data.indexOf("\r\n\r\n", pos, "latin1");
    if (headEnd < 0) break;
    const lines = data.toString("latin1", pos, headEnd).split("\r\n");
    const statusLine = lines.shift() as string;
    const headers: Array<[string, string]> = lines.map((l) => {
      const c = l.indexOf(":");
      if (c <= 0) throw new Error(`bad response header line ${JSON.stringify(l)}`);
      return [l.slice(0, c), l.slice(c + 1).trim()];
    });
    const probe = makeResponse(statusLine, headers, Buffer.alloc(0), "none", Buffer.alloc(0));
    const bodyStart = headEnd + 4;
    const method = probe.interim ? undefined : opts.methods?.[finals];
    let body: Buffer = Buffer.alloc(0);
    let framing: ParsedResponse["framing"] = "none";
    let end = bodyStart;
    const noBody = probe.interim || probe.status === 204 || probe.status === 304 || method === "HEAD";
    if (!noBody) {
      const te = probe.header("transfer-encoding");
      const cl = probe.header("content-length");
      if (te !== undefined && /chunked\s*$/i.test(te)) {
        const r = decodeChunked(data, bodyStart);
        if (!r) break;
        [body, end] = r;
        framing = "chunked";
      } else if (cl !== undefined) {
        const n = Number(cl);
        if (data.length < bodyStart + n) break;
        body = data.subarray(bodyStart, bodyStart + n);
        end = bodyStart + n;
        framing = "length";
      } else {
        if (!opts.closed) break;
        body = data.subarray(bodyStart);
        end = data.length;
        framing = "eof";
      }
    }
    responses.push(makeResponse(statusLine, headers, body, framing, data.subarray(pos, end)));
    if (!probe.interim) finals++;
    pos = end;
  }
  const rest = data.subarray(pos);
  return { responses, rest, complete: rest.length === 0 };
}

/** The first final (non-1xx) response in `data`; throws if there is none. */
export function parseResponse(data: Buffer, opts: ParseOptions = {}): ParsedResponse {
  const r = parseResponses(data, opts).responses.find((x) => !x.interim);
  if (!r) throw new Error(`no complete response in ${JSON.stringify(data.toString("latin1").slice(0, 300))}`);
  return r;
}

/** Counts the complete final responses in `data` without throwing on trailing garbage. */
export function countResponses(data: Buffer, opts: ParseOptions = {}): number {
  try {
    return parseResponses(data, opts).responses.filter((r) => !r.interim).length;
  } catch {
    return -1;
  }
}
