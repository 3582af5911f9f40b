import type { Socket } from "node:net";
import { parseProxyHeader } from "../wire/proxy-protocol.js";
import type { ClientAddress } from "./request-server.js";

/** The client each proxied connection stands for, by the connection's own peer (a TLS socket and its raw socket share it). */
const sources = new Map<string, ClientAddress>();
const peerKey = (socket: Socket): string => `${socket.remoteAddress ?? ""}|${socket.remotePort ?? 0}`;

/** The client a PROXY header named for this connection, if one did. */
export function proxiedSource(socket: Socket): ClientAddress | undefined {
  return sources.size === 0 ? undefined : sources.get(peerKey(socket));
}

/**
 * Reads the PROXY protocol header (v1 or v2) a load balancer sends before
 * anything else, within `timeoutMs`; the bytes after it are put back for
 * HTTP (or TLS) to read. Resolves true once read (the client it names is
 * then `proxiedSource(socket)`; a LOCAL header or an unknown family keeps
 * the connection's own address), false when the connection was closed: no
 * valid header, too slow, or too long. Nothing is ever answered before it.
 */
export function readProxyHeader(socket: Socket, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let buf: Buffer = Buffer.alloc(0);
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.off("data", onData);
      socket.off("close", onClose);
      if (!ok) socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    const onClose = (): void => done(false);
    const onData = (chunk: Buffer): void => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      const r = parseProxyHeader(buf);
      if (r.state === "incomplete") return;
      if (r.state === "error") return done(false);
      socket.pause();
      if (r.source !== null) {
        const key = peerKey(socket);
        sources.set(key, r.source);
        socket.once("close", () => sources.delete(key));
      }
      const rest = buf.subarray(r.consumed);
      if (rest.length > 0) socket.unshift(rest);
      done(true);
    };
    socket.on("data", onData);
    socket.once("close", onClose);
  });
}
