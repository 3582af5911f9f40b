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

/** What the banner says beyond Python's line. */
export interface BannerFacts {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  readonly interfaces: Readonly<Record<string, NetworkInterfaceInfo[] | undefined>>;
  /** Names at the top of the folder that are not served (dotfiles), for a warning; empty when none. */
  readonly hidden: readonly string[];
  /** ANSI colour (stdout is a terminal and NO_COLOR is unset). */
  readonly color: boolean;
}

/**
 * The whole banner: Python's line, then where the server is reached (this
 * machine, and each network address when bound to all interfaces, said
 * plainly with how to keep it local), and the dotfiles not served.
 */
export function bannerText(f: BannerFacts): string {
  const paint = (code: string, s: string): string => (f.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const urls = reachableUrls(f.host, f.port, f.interfaces, f.tls);
  let out = bannerLine(f.host, f.port, f.tls) + "\n";
  for (const u of urls.local) out += `  Local:   ${paint("36", u)}\n`;
  for (const u of urls.network) out += `  Network: ${paint("36", u)}\n`;
  if (isWildcard(f.host)) out += paint("2", "  Reachable from other devices on your network (-b 127.0.0.1 keeps it on this machine).") + "\n";
  if (f.hidden.length > 0) {
    const shown = f.hidden.slice(0, 5).join(", ") + (f.hidden.length > 5 ? `, and ${f.hidden.length - 5} more` : "");
    out += paint("33", `  Not served: ${shown} (names starting with a dot; --dotfiles allow serves them).`) + "\n";
  }
  return out;
}

/** The first network URL, else the local one: what a phone scans (`--qr`) or a browser opens (`--open`). */
export function shareUrl(f: Pick<BannerFacts, "host" | "port" | "tls" | "interfaces">, prefer: "network" | "local"): string {
  const urls = reachableUrls(f.host, f.port, f.interfaces, f.tls);
  const order = prefer === "network" ? [...urls.network, ...urls.local] : [...urls.local, ...urls.network];
  return order[0] ?? `${f.tls ? "https" : "http"}://${f.host.includes(":") ? `[${f.host}]` : f.host}:${f.port}/`;
}
