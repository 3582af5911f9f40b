import os from "node:os";

/** True for an address that means every interface (`''`, `0.0.0.0`, `::`). */
export function isWildcard(host: string): boolean {
  return host === "" || host === "0.0.0.0" || host === "::" || host === "::0";
}

/**
 * CPython's `server_name` (`socket.getfqdn(host)`) without a DNS round trip at
 * start-up: the machine's name for a wildcard address, `localhost` for
 * loopback, the address itself otherwise.
 */
export function serverNameFor(host: string): string {
  if (isWildcard(host)) return os.hostname();
  if (host === "127.0.0.1" || host === "::1" || host === "localhost") return "localhost";
  return host;
}
