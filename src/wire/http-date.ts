/**
 * HTTP dates (RFC 9110 section 5.6.7): the IMF-fixdate writer used for `Date`
 * and `Last-Modified`, and a reader for the three formats a recipient must
 * accept, with the time-zone handling of CPython's `email.utils.parsedate_to_datetime`.
 */

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const;

function two(n: number): string {
  return n < 10 ? "0" + n : String(n);
}

const recent = new Map<number, string>();

/** `Sun, 06 Nov 1994 08:49:37 GMT` for a time in milliseconds (fractions of a second dropped, as `time.gmtime`). */
export function formatHttpDate(ms: number): string {
  // Last-Modified repeats the same few file times request after request.
  const second = Math.floor(ms / 1000);
  let text = recent.get(second);
  if (text === undefined) {
    text = formatDate(second);
    if (recent.size >= 256) recent.clear();
    recent.set(second, text);
  }
  return text;
}

function formatDate(second: number): string {
  const d = new Date(second * 1000);
  return `${DAYS[d.getUTCDay()]}, ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCFullYear()).padStart(4, "0")} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} GMT`;
}

let cachedSecond = -1;
let cachedDate = "";

/** The `Date` header for now, formatted at most once a second. */
export function currentHttpDate(now = Date.now()): string {
  const second = Math.floor(now / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedDate = formatHttpDate(now);
  }
  return cachedDate;
}

/** A parsed HTTP date: the instant, and whether it was given in UTC (GMT, UT, UTC, Z, +0000 or -0000). */
export interface ParsedHttpDate {
  readonly ms: number;
  readonly utc: boolean;
}

const ZONES: Record<string, number> = {
  UT: 0, UTC: 0, GMT: 0, Z: 0,
  AST: -400, ADT: -300, EST: -500, EDT: -400, CST: -600, CDT: -500, MST: -700, MDT: -600, PST: -800, PDT: -700,
};

/**
 * Reads an HTTP date in IMF-fixdate, RFC 850 or asctime form (also RFC 2822
 * numeric zones). Returns null for anything unparsable, so callers ignore the
 * field as CPython does. Two-digit years follow RFC 2822 (< 50 -> 20xx).
 */
export function parseHttpDate(text: string): ParsedHttpDate | null {
  let s = text.trim();
  const comma = s.indexOf(",");
  if (comma >= 0) s = s.slice(comma + 1);
  // Whitespace separates the parts; RFC 850's "06-Nov-94" is split on its dashes
  // (a "-0000" zone keeps its sign).
  const parts = s.trim().split(/\s+/).flatMap((w) => (/^\d{1,2}-[A-Za-z]{3,9}-\d{2,4}$/.test(w) ? w.split("-") : [w])).filter(Boolean);
  let day: number, mon: number, year: number, time: string | undefined, zone: string | undefined;
  const monthOf = (w: string | undefined): number => (w ? MONTHS.findIndex((m) => m.toLowerCase() === w.slice(0, 3).toLowerCase() && w.length <= 9) : -1);
  if (parts.length >= 4 && monthOf(parts[1]) >= 0 && /^\d{1,2}$/.test(parts[0] ?? "")) {
    // 06 Nov 1994 08:49:37 GMT  /  06-Nov-94 08:49:37 GMT
    day = Number(parts[0]);
    mon = monthOf(parts[1]);
    year = Number(parts[2]);
    time = parts[3];
    zone = parts[4];
    if (!/^\d{2,4}$/.test(parts[2] ?? "")) return null;
  } else {
    // asctime: [Sun] Nov  6 08:49:37 1994
    const p = monthOf(parts[0]) >= 0 ? parts : parts.slice(1);
    if (p.length < 4 || monthOf(p[0]) < 0 || !/^\d{1,2}$/.test(p[1] ?? "") || !/^\d{4}$/.test(p[3] ?? "")) return null;
    mon = monthOf(p[0]);
    day = Number(p[1]);
    time = p[2];
    year = Number(p[3]);
    zone = p[4];
  }
  const t = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(time ?? "");
  if (!t) return null;
  if (year < 100) year += year < 50 ? 2000 : 1900;
  const hh = Number(t[1]), mm = Number(t[2]), ss = Number(t[3] ?? "0");
  if (day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 61) return null;
  let offsetMinutes = 0;
  let utc = true;
  if (zone !== undefined) {
    const z = zone.toUpperCase();
    const numeric = /^([+-])(\d{2})(\d{2})$/.exec(z);
    if (numeric) {
      offsetMinutes = (numeric[1] === "-" ? -1 : 1) * (Number(numeric[2]) * 60 + Number(numeric[3]));
      utc = offsetMinutes === 0;
    } else if (z in ZONES) {
      const v = ZONES[z] as number;
      offsetMinutes = Math.trunc(v / 100) * 60 + (v % 100);
      utc = v === 0;
    }
    // An unknown zone name: CPython's parsedate_to_datetime gives a naive datetime,
    // which http.server then takes as UTC.
  }
  const ms = Date.UTC(year, mon, day, hh, mm, Math.min(ss, 59)) - offsetMinutes * 60_000;
  if (!Number.isFinite(ms)) return null;
  // Date.UTC rolls 31 Feb over into March: refuse such dates rather than guess.
  if (new Date(Date.UTC(year, mon, day)).getUTCDate() !== day) return null;
  return { ms, utc };
}

/** The text formatLogDate() made last (default month names), for the second and TZ it was made for. */
let lastLogSecond = NaN;
let lastLogZone: string | undefined;
let lastLogDate = "";

/**
 * `23/Nov/2026 19:42:46` in local time: the date CPython's
 * `log_date_time_string()` writes, with its month names (`monthname`: index 1
 * is January; each padded to three characters, as `%3s`).
 */
export function formatLogDate(ms: number = Date.now(), monthname?: readonly (string | null)[]): string {
  // Every log line of a second has the same text: made once a second (and again when TZ changes).
  const second = Math.floor(ms / 1000);
  const zone = process.env["TZ"];
  if (monthname === undefined && second === lastLogSecond && zone === lastLogZone) return lastLogDate;
  const d = new Date(ms);
  const month = monthname === undefined ? MONTHS[d.getMonth()] : String(monthname[d.getMonth() + 1] ?? "None").padStart(3);
  const text = `${two(d.getDate())}/${month}/${String(d.getFullYear()).padStart(4, "0")} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  if (monthname === undefined) {
    lastLogSecond = second;
    lastLogZone = zone;
    lastLogDate = text;
  }
  return text;
}
