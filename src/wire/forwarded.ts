import type { Cidr } from "./ip-cidr.js";
import { inRanges } from "./ip-cidr.js";

/** One hop of `Forwarded` (RFC 7239 section 4): its `for` and `proto` parameters. */
export interface ForwardedElement {
  readonly for: string | null;
  readonly proto: string | null;
}

/** Splits at `sep` outside quoted strings (RFC 7230 quoted-string, with backslash escapes). */
function splitOutsideQuotes(text: string, sep: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted && c === "\\" && i + 1 < text.length) {
      cur += c + text[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === sep && !quoted) {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

function unquote(v: string): string {
  const t = v.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replace(/\\(.)/g, "$1") : t;
}

/**
 * Parses the `Forwarded` field values (RFC 7239): elements separated by
 * commas, in the order the proxies added them (client side first), each a
 * list of `name=value` pairs separated by semicolons; values are tokens or
 * quoted strings; names are case-insensitive. Null when a value is malformed
 * (the field is then ignored, as the RFC allows).
 */
export function parseForwarded(values: readonly string[]): ForwardedElement[] | null {
  const out: ForwardedElement[] = [];
  for (const value of values) {
    for (const element of splitOutsideQuotes(value, ",")) {
      if (element.trim() === "") continue;
      let forValue: string | null = null;
      let proto: string | null = null;
      for (const pair of splitOutsideQuotes(element, ";")) {
        if (pair.trim() === "") continue;
        const eq = pair.indexOf("=");
        if (eq <= 0) return null;
        const name = pair.slice(0, eq).trim().toLowerCase();
        const v = unquote(pair.slice(eq + 1));
        if (name === "for") forValue = v;
        else if (name === "proto") proto = v.toLowerCase();
      }
      out.push({ for: forValue, proto });
    }
  }
  return out;
}

/** A node of `Forwarded: for=` or `X-Forwarded-For` without its port: `[2001:db8::1]:80` → `2001:db8::1`, `192.0.2.1:80` → `192.0.2.1`. */
export function nodeAddress(node: string): string {
  const n = node.trim();
  if (n.startsWith("[")) {
    const end = n.indexOf("]");
    return end > 0 ? n.slice(1, end) : n;
  }
  const colon = n.indexOf(":");
  // One colon: IPv4 (or a name) with a port; several: a bare IPv6 address.
  return colon >= 0 && n.indexOf(":", colon + 1) < 0 ? n.slice(0, colon) : n;
}

/** Where a request came from, seen through the proxies the server trusts. */
export interface ForwardedClient {
  /** The client's address: the right-most hop that is not a trusted proxy. */
  readonly address: string;
  /** The scheme the client used (`https` behind a TLS-terminating proxy), when the nearest proxy said; else null. */
  readonly scheme: string | null;
}

/**
 * The client behind trusted proxies (the "right-most untrusted hop" rule):
 * only when the connection's own peer is trusted, the hops of `Forwarded`
 * (else `X-Forwarded-For`) are walked from the right, skipping trusted
 * proxies; the first other hop is the client. A hop that is not an address
 * (`unknown`, an obfuscated `_name`) ends the walk there and is the client.
 * The scheme is the one the nearest proxy gave (`proto=` of the last
 * `Forwarded` element, else the last `X-Forwarded-Proto` value). Null when
 * the peer is not trusted or there is nothing to read: then the headers are
 * ignored.
 */
export function forwardedClient(peer: string, field: (name: string) => readonly string[], trusted: readonly Cidr[]): ForwardedClient | null {
  if (trusted.length === 0 || !inRanges(peer, trusted)) return null;
  let hops: string[] = [];
  let scheme: string | null = null;
  const forwarded = field("Forwarded");
  const elements = forwarded.length > 0 ? parseForwarded(forwarded) : null;
  if (elements !== null && elements.length > 0) {
    hops = elements.map((e) => (e.for === null ? "unknown" : nodeAddress(e.for)));
    scheme = elements[elements.length - 1]?.proto ?? null;
  } else {
    hops = field("X-Forwarded-For")
      .flatMap((v) => v.split(","))
      .map((h) => nodeAddress(h))
      .filter((h) => h !== "");
    const protos = field("X-Forwarded-Proto").flatMap((v) => v.split(","));
    const last = protos[protos.length - 1]?.trim().toLowerCase();
    scheme = last === undefined || last === "" ? null : last;
  }
  if (scheme !== null && scheme !== "http" && scheme !== "https") scheme = null;
  if (hops.length === 0) return scheme === null ? null : { address: peer, scheme };
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] as string;
    if (i === 0 || !inRanges(hop, trusted)) return { address: hop, scheme };
  }
  return { address: peer, scheme };
}
