import type { HeaderMap } from "../wire/header-map.js";
import { forwardedClient, type ForwardedClient } from "../wire/forwarded.js";
import { parseCidrs, type Cidr } from "../wire/ip-cidr.js";
import type { ClientAddress } from "./request-server.js";

const compiled = new WeakMap<readonly string[], Cidr[]>();

/**
 * The client of a request behind the proxies `trusted` names (CIDR ranges,
 * addresses or `loopback`): from `Forwarded` or `X-Forwarded-For`, only when
 * the connection's peer is one of them; null otherwise (the headers are then
 * ignored). A forwarded client's port is unknown: 0. The ranges are read
 * once per list (a RangeError for a bad one).
 */
export function trustedClient(trusted: readonly string[], peer: ClientAddress, headers: HeaderMap): ClientAddress | null {
  const fwd = forwarded(trusted, peer, headers);
  if (fwd === null) return null;
  return fwd.address === peer[0] ? peer : [fwd.address, 0];
}

/** The scheme the client used, as the nearest trusted proxy says (`X-Forwarded-Proto`, `Forwarded: proto=`); null when none says. */
export function trustedScheme(trusted: readonly string[], peer: ClientAddress, headers: HeaderMap): "http" | "https" | null {
  const scheme = forwarded(trusted, peer, headers)?.scheme;
  return scheme === "http" || scheme === "https" ? scheme : null;
}

function forwarded(trusted: readonly string[], peer: ClientAddress, headers: HeaderMap): ForwardedClient | null {
  if (trusted.length === 0) return null;
  let ranges = compiled.get(trusted);
  if (ranges === undefined) {
    ranges = trusted.flatMap(parseCidrs);
    compiled.set(trusted, ranges);
  }
  return forwardedClient(peer[0], (name) => headers.getAll(name), ranges);
}
