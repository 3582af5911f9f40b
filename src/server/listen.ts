import type { Server } from "node:net";

/** Listens on `host:port` (`::` dual-stack); resolves once listening, rejects with the bind error (EADDRINUSE, EACCES). */
export function listenOn(listener: Server, host: string, port: number, backlog: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    listener.once("error", onError);
    listener.listen({ host, port, backlog, ipv6Only: false }, () => {
      listener.off("error", onError);
      resolve();
    });
  });
}

/** Stops listening; resolves once the listener is closed (at once when it never listened). */
export function closeListener(listener: Server | null): Promise<void> {
  return new Promise<void>((resolve) => {
    if (listener === null || !listener.listening) resolve();
    else listener.close(() => resolve());
  });
}
