import { isIPv4, isIPv6 } from "node:net";

/** An address range: the address's bytes and how many leading bits must match. */
export interface Cidr {
  readonly bytes: Uint8Array;
  readonly bits: number;
}

/** The 4 or 16 bytes of an IP address (an IPv4-mapped IPv6 address as its IPv4 bytes), or null. */
export function ipBytes(ip: string): Uint8Array | null {
  let text = ip;
  if (text.startsWith("[") && text.endsWith("]")) text = text.slice(1, -1);
  const zone = text.indexOf("%");
  if (zone >= 0) text = text.slice(0, zone);
  if (isIPv4(text)) return Uint8Array.from(text.split(".").map(Number));
  if (!isIPv6(text)) return null;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(text);
  if (mapped && isIPv4(mapped[1] as string)) return ipBytes(mapped[1] as string);
  // Expand "::" and an embedded IPv4 tail into eight 16-bit groups.
  let groups = text;
  const v4tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(groups);
  if (v4tail) {
    const tail4 = v4tail[1] as string;
    const b = tail4.split(".").map(Number) as [number, number, number, number];
    groups = groups.slice(0, groups.length - tail4.length) + ((b[0] << 8) | b[1]).toString(16) + ":" + ((b[2] << 8) | b[3]).toString(16);
  }
  const [head = "", tail] = groups.split("::");
  const h = head === "" ? [] : head.split(":");
  const t = tail === undefined ? [] : tail === "" ? [] : tail.split(":");
  const fill = tail === undefined ? 0 : 8 - h.length - t.length;
  const all = [...h, ...Array<string>(fill).fill("0"), ...t];
  if (all.length !== 8) return null;
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    const v = parseInt(g, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  });
  return out;
}

/**
 * Reads `10.0.0.0/8`, `2001:db8::/32`, a bare address (a /32 or /128), or
 * `loopback` (127.0.0.0/8 and ::1). Throws RangeError for anything else,
 * with a message for the command line.
 */
export function parseCidrs(text: string): Cidr[] {
  if (text === "loopback") return [...parseCidrs("127.0.0.0/8"), ...parseCidrs("::1/128")];
  const slash = text.indexOf("/");
  const addr = slash < 0 ? text : text.slice(0, slash);
  const bytes = ipBytes(addr);
  if (bytes === null) throw new RangeError(`'${text}' is not an IP address or CIDR range (e.g. 10.0.0.0/8, ::1, loopback)`);
  const max = bytes.length * 8;
  const bitsText = slash < 0 ? String(max) : text.slice(slash + 1);
  const bits = /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : NaN;
  if (!(bits >= 0 && bits <= max)) throw new RangeError(`'${text}': the prefix length must be 0 to ${max}`);
  return [{ bytes, bits }];
}

/** True when `ip` lies in one of `ranges` (IPv4-mapped IPv6 addresses match IPv4 ranges). */
export function inRanges(ip: string, ranges: readonly Cidr[]): boolean {
  const b = ipBytes(ip);
  if (b === null) return false;
  for (const r of ranges) {
    if (r.bytes.length !== b.length) continue;
    let bits = r.bits;
    let i = 0;
    for (; bits >= 8; bits -= 8, i++) if (r.bytes[i] !== b[i]) break;
    if (bits >= 8) continue;
    if (bits === 0 || (((r.bytes[i] as number) ^ (b[i] as number)) & (0xff << (8 - bits)) & 0xff) === 0) return true;
  }
  return false;
}
