/**
 * The PROXY protocol header (HAProxy's spec, versions 1 and 2) that load
 * balancers (HAProxy `send-proxy`/`send-proxy-v2`, AWS NLB, GCP) put before
 * the first byte of a connection to pass on the client's address.
 */

/** What the start of a connection holds. */
export type ProxyHeaderResult =
  /** More bytes are needed (`buf` is a valid prefix so far). */
  | { readonly state: "incomplete" }
  /** Not a PROXY header, or a malformed one: close the connection. */
  | { readonly state: "error"; readonly reason: string }
  /**
   * A header of `consumed` bytes; `source` is the client's address and port,
   * or null for a LOCAL command or an UNKNOWN/unspecified family (a health
   * check from the proxy itself: keep the connection's own address).
   */
  | { readonly state: "complete"; readonly consumed: number; readonly version: 1 | 2; readonly source: readonly [string, number] | null };

const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
const V1_PREFIX = Buffer.from("PROXY ", "latin1");
/** The longest v1 header (spec section 2.1: 107 bytes with CRLF). */
export const V1_MAX = 107;
/** The longest v2 header accepted: 16 bytes and the addresses and TLVs (HAProxy sends a few hundred at most). */
export const V2_MAX = 16 + 2048;

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const PORT = /^(0|[1-9]\d{0,4})$/;

/** True while `buf` could still become `prefix`. */
function prefixOf(buf: Buffer, prefix: Buffer): boolean {
  const n = Math.min(buf.length, prefix.length);
  return buf.subarray(0, n).equals(prefix.subarray(0, n));
}

function v1(buf: Buffer): ProxyHeaderResult {
  const end = buf.indexOf("\r\n", 0, "latin1");
  if (end < 0) return buf.length >= V1_MAX ? { state: "error", reason: "PROXY v1 header longer than 107 bytes" } : { state: "incomplete" };
  if (end + 2 > V1_MAX) return { state: "error", reason: "PROXY v1 header longer than 107 bytes" };
  const parts = buf.toString("latin1", 0, end).split(" ");
  const consumed = end + 2;
  if (parts[1] === "UNKNOWN") return { state: "complete", consumed, version: 1, source: null };
  if (parts.length !== 6) return { state: "error", reason: "PROXY v1 header without its five fields" };
  const [, family, src, , sport, dport] = parts as [string, string, string, string, string, string];
  const okAddress = family === "TCP4" ? IPV4.test(src) : family === "TCP6" ? /^[0-9a-fA-F:.]+$/.test(src) && src.includes(":") : false;
  if (!okAddress) return { state: "error", reason: `PROXY v1 header with a bad family or source address (${family} ${src})` };
  if (!PORT.test(sport) || !PORT.test(dport) || Number(sport) > 65535 || Number(dport) > 65535) return { state: "error", reason: "PROXY v1 header with a bad port" };
  return { state: "complete", consumed, version: 1, source: [src, Number(sport)] };
}

function ipv6Text(b: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
  // The shortest form (RFC 5952): the longest run of zero groups as "::".
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(":");
  return `${groups.slice(0, best).join(":")}::${groups.slice(best + bestLen).join(":")}`;
}

function v2(buf: Buffer): ProxyHeaderResult {
  if (buf.length < 16) return { state: "incomplete" };
  const verCmd = buf[12] as number;
  if (verCmd >> 4 !== 2) return { state: "error", reason: "PROXY v2 header of another version" };
  const command = verCmd & 0x0f;
  if (command > 1) return { state: "error", reason: "PROXY v2 header with an unknown command" };
  const fam = buf[13] as number;
  const len = buf.readUInt16BE(14);
  if (16 + len > V2_MAX) return { state: "error", reason: `PROXY v2 header of ${16 + len} bytes (at most ${V2_MAX})` };
  if (buf.length < 16 + len) return { state: "incomplete" };
  const consumed = 16 + len;
  if (command === 0) return { state: "complete", consumed, version: 2, source: null }; // LOCAL: the proxy's own check
  const body = buf.subarray(16, 16 + len);
  switch (fam) {
    case 0x11: // TCP over IPv4
    case 0x12:
      if (len < 12) return { state: "error", reason: "PROXY v2 IPv4 addresses truncated" };
      return { state: "complete", consumed, version: 2, source: [`${body[0]}.${body[1]}.${body[2]}.${body[3]}`, body.readUInt16BE(8)] };
    case 0x21: // TCP over IPv6
    case 0x22:
      if (len < 36) return { state: "error", reason: "PROXY v2 IPv6 addresses truncated" };
      return { state: "complete", consumed, version: 2, source: [ipv6Text(body.subarray(0, 16)), body.readUInt16BE(32)] };
    default:
      // UNSPEC, UNIX: no address to use.
      return { state: "complete", consumed, version: 2, source: null };
  }
}

/**
 * Reads a PROXY header (v1 text or v2 binary) from the first bytes of a
 * connection. Anything else is an error at the first byte that cannot
 * belong to one: the spec requires a receiver configured for the protocol
 * to refuse a connection without it.
 */
export function parseProxyHeader(buf: Buffer): ProxyHeaderResult {
  if (buf.length === 0) return { state: "incomplete" };
  if (prefixOf(buf, V2_SIGNATURE)) return buf.length < V2_SIGNATURE.length ? { state: "incomplete" } : v2(buf);
  if (prefixOf(buf, V1_PREFIX)) return buf.length < V1_PREFIX.length ? { state: "incomplete" } : v1(buf);
  return { state: "error", reason: "no PROXY protocol header" };
}
