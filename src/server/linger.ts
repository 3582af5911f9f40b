import type { Socket } from "node:net";

/** How long a closing server keeps idle kept-alive connections open for a request already on its way. */
export const IDLE_GRACE_MS = 1000;

/** How long a gracefully closing connection may stay before it is destroyed. */
export const LINGER_MS = 2000;

const ignore = (): void => {};

/**
 * Connections closing gracefully, with the time by which they are destroyed
 * whatever the client does. One sweeping interval serves them all (a timer
 * per connection cost a timer-list insertion and removal on every close), so
 * a client that never closes its side is cut 2 to 2.5 s after our end.
 */
const lingering = new Map<Socket, number>();
let sweeper: NodeJS.Timeout | null = null;

/** Destroys `socket` within LINGER_MS to 1.25 x LINGER_MS unless `unlinger` is called first. */
export function linger(socket: Socket): void {
  lingering.set(socket, Date.now() + LINGER_MS);
  if (sweeper === null) {
    sweeper = setInterval(sweepLingering, LINGER_MS / 4);
    sweeper.unref();
  }
}

/** Forgets a lingering socket (it closed, or was destroyed by its owner). */
export function unlinger(socket: Socket): void {
  lingering.delete(socket);
}

function sweepLingering(): void {
  const now = Date.now();
  for (const [socket, deadline] of lingering) {
    if (deadline <= now) {
      lingering.delete(socket);
      socket.destroy();
    }
  }
  if (lingering.size === 0 && sweeper !== null) {
    clearInterval(sweeper);
    sweeper = null;
  }
}

/**
 * Ends a connection gracefully (a lingering close, as nginx's): our side is
 * shut down once written out; what the client still sends is read and
 * dropped for a moment, so a reply sent before its request was fully read is
 * not lost to a reset; the socket is destroyed once both sides are done, or
 * after LINGER_MS whatever the client does.
 */
export function closeGracefully(socket: Socket): void {
  if (socket.destroyed) return;
  socket.removeAllListeners("data");
  socket.on("data", ignore);
  socket.resume();
  let peerEnded = socket.readableEnded;
  const kill = (): void => {
    unlinger(socket);
    socket.destroy();
  };
  linger(socket);
  socket.once("end", () => {
    peerEnded = true;
    if (socket.writableFinished) kill();
  });
  socket.once("close", () => unlinger(socket));
  socket.end(() => {
    if (peerEnded) kill();
  });
}
