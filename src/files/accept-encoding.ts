/**
 * Content-coding negotiation from Accept-Encoding (RFC 9110 section 12.5.3).
 * Runs on every request, so it parses with one hand-written scan, no regular
 * expressions, and remembers the last few distinct header values.
 */

/** tchar (RFC 9110 section 5.6.2), indexed by character code. */
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") TCHAR[c.charCodeAt(0)] = 1;

const isTchar = (c: number): boolean => c < 128 && TCHAR[c] === 1;
const isOws = (c: number): boolean => c === 0x20 || c === 0x09;

/** Obsolete aliases a recipient SHOULD treat as the coding (RFC 9110 sections 8.4.1.1, 8.4.1.3). */
const ALIASES: ReadonlyMap<string, string> = new Map([["x-gzip", "gzip"], ["x-compress", "compress"]]);

/**
 * A qvalue (RFC 9110 section 12.4.2): `0`, `0.` and up to three digits, `1`, or
 * `1.` and up to three zeros. NaN for anything else (`1.5`, `.5`, `0.1234`).
 */
function qvalue(s: string): number {
  const n = s.length;
  if (n === 0 || n > 5 || (n > 1 && s.charCodeAt(1) !== 0x2e)) return NaN;
  const lead = s.charCodeAt(0);
  if (lead !== 0x30 && lead !== 0x31) return NaN;
  for (let i = 2; i < n; i++) {
    const c = s.charCodeAt(i);
    if (lead === 0x31 ? c !== 0x30 : c < 0x30 || c > 0x39) return NaN;
  }
  return Number(s.endsWith(".") ? s.slice(0, -1) : s);
}

/**
 * Parses an Accept-Encoding field value into coding → qvalue, names lower-cased
 * (codings are case-insensitive, RFC 9110 section 8.4.1) and `x-gzip` /
 * `x-compress` folded into `gzip` / `compress`. Each element is
 * `coding *( OWS ";" OWS parameter )`; `q=` (any case) sets the weight
 * (default 1), other parameters are ignored, and an element with a bad or
 * repeated q, or that is otherwise malformed, is skipped. When a coding is
 * listed twice the first entry wins. Includes `identity` and `*` as listed.
 */
export function parseAcceptEncoding(value: string): ReadonlyMap<string, number> {
  const cached = cache.get(value);
  if (cached !== undefined) return cached;
  const map = new Map<string, number>();
  const n = value.length;
  let i = 0;
  while (i < n) {
    const c0 = value.charCodeAt(i);
    if (c0 === 0x2c || isOws(c0)) {
      i++;
      continue;
    }
    let ok = true;
    const start = i;
    while (i < n && isTchar(value.charCodeAt(i))) i++;
    const coding = value.slice(start, i).toLowerCase();
    let q = 1;
    let sawQ = false;
    if (coding === "") ok = false;
    while (ok) {
      while (i < n && isOws(value.charCodeAt(i))) i++;
      if (i >= n || value.charCodeAt(i) !== 0x3b) break;
      i++;
      while (i < n && isOws(value.charCodeAt(i))) i++;
      const nameStart = i;
      while (i < n && isTchar(value.charCodeAt(i))) i++;
      if (i === nameStart) continue; // an empty parameter: "gzip;" (section 5.6.6)
      const name = value.slice(nameStart, i);
      if (value.charCodeAt(i) !== 0x3d) {
        ok = false;
        break;
      }
      i++;
      if (value.charCodeAt(i) === 0x22) {
        // quoted-string: skip it whole so a comma inside does not split the element.
        i++;
        while (i < n && value.charCodeAt(i) !== 0x22) i += value.charCodeAt(i) === 0x5c ? 2 : 1;
        if (i >= n || name === "q" || name === "Q") ok = false;
        i++;
        continue;
      }
      const valueStart = i;
      while (i < n && isTchar(value.charCodeAt(i))) i++;
      if (name !== "q" && name !== "Q") continue;
      q = qvalue(value.slice(valueStart, i));
      if (Number.isNaN(q) || sawQ) ok = false;
      sawQ = true;
    }
    if (ok && i < n && value.charCodeAt(i) !== 0x2c) ok = false;
    if (ok) {
      const name = ALIASES.get(coding) ?? coding;
      if (!map.has(name)) map.set(name, q);
    } else {
      while (i < n && value.charCodeAt(i) !== 0x2c) i++;
    }
  }
  if (cache.size >= 64) cache.clear();
  cache.set(value, map);
  return map;
}

/** The weight of identity when the header does not name it or `*`: below any weight a client can write (0.001). */
const IMPLICIT_IDENTITY = 0.0001;

/** The last few header values: browsers send the same one request after request. */
const cache = new Map<string, ReadonlyMap<string, number>>();

/**
 * Picks the content coding for a response from Accept-Encoding. `offered` lists
 * codings the server can produce for this resource in its order of preference
 * (e.g. ["br", "gzip"]). Returns one of `offered`, "identity", or null when
 * nothing at all is acceptable (identity;q=0 or *;q=0 with no acceptable
 * offered coding) — callers then send identity anyway.
 *
 * Following RFC 9110 section 12.5.3: an offered coding has its own weight,
 * else that of `*`, else 0 (not acceptable); identity has its own, else that
 * of `*`, else it is acceptable at the lowest weight (as Apache's
 * mod_negotiation ranks it): a client that lists `gzip;q=0.5` alone wants
 * gzip, and the RFC makes identity acceptable, not preferred. The highest
 * weight above 0 wins; on a tie the earlier offered
 * coding wins, and any offered coding beats identity, so the browsers'
 * `gzip, deflate, br` (all q=1) gets the server's first choice. Without the
 * header, or with it empty, the answer is identity: the RFC would allow any
 * coding then, but clients of Python's http.server expect the plain file.
 */
export function negotiateEncoding(acceptEncoding: string | undefined, offered: readonly string[]): string | null {
  if (acceptEncoding === undefined || acceptEncoding === "") return "identity";
  const weights = parseAcceptEncoding(acceptEncoding);
  const star = weights.get("*");
  let best: string | null = null;
  let bestQ = 0;
  for (const coding of offered) {
    const key = coding.toLowerCase();
    const q = weights.get(ALIASES.get(key) ?? key) ?? star ?? (key === "identity" ? 1 : 0);
    if (q > bestQ) {
      best = coding;
      bestQ = q;
    }
  }
  const identity = weights.get("identity") ?? star ?? IMPLICIT_IDENTITY;
  return identity > bestQ ? "identity" : best;
}
