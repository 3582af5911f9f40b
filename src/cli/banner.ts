import type { NetworkInterfaceInfo } from "node:os";

/** Python's banner: `Serving HTTP on 0.0.0.0 port 8000 (http://0.0.0.0:8000/) ...` (IPv6 hosts bracketed in the URL). */
export function bannerLine(host: string, port: number, tls = false): string {
  const proto = tls ? "HTTPS" : "HTTP";
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return `Serving ${proto} on ${host} port ${port} (${proto.toLowerCase()}://${urlHost}:${port}/) ...`;
}

function isWildcard(host: string): boolean {
  return host === "0.0.0.0" || host === "::" || host === "";
}

/**
 * The URLs at which this machine and other devices reach a server bound to
 * `host`: localhost for a loopback or wildcard bind, and each external
 * interface address for a wildcard bind (IPv6 only when bound to `::`).
 */
export function reachableUrls(host: string, port: number, interfaces: Readonly<Record<string, NetworkInterfaceInfo[] | undefined>>, tls = false): { local: string[]; network: string[] } {
  const scheme = tls ? "https" : "http";
  const url = (h: string): string => `${scheme}://${h.includes(":") ? `[${h}]` : h}:${port}/`;
  const local: string[] = [];
  const network: string[] = [];
  if (isWildcard(host) || host === "127.0.0.1" || host === "::1" || host === "localhost") local.push(url("localhost"));
  if (isWildcard(host)) {
    for (const list of Object.values(interfaces)) {
      for (const info of list ?? []) {
        if (info.internal) continue;
        if (info.family === "IPv6" && (host !== "::" || info.address.startsWith("fe80:"))) continue;
        network.push(url(info.address));
      }
    }
  } else if (!local.length) {
    network.push(url(host));
  }
  return { local, network };
}
