import type { Socket } from "node:net";

/** How long a closing server keeps idle kept-alive connections open for a request already on its way. */
export const IDLE_GRACE_MS = 1000;

/** How long a gracefully closing connection may stay before it is destroyed. */
export const LINGER_MS = 2000;

/**
 * Connections closing gracefully, with the time by which they are destroyed
 * whatever the client does. One sweeping interval serves them all (a timer
 * per connection cost a timer-list insertion and removal on every close), so
 * a client that never closes its side is cut 2 to 2.5 s after our end.
 */
const lingering = new Map<Socket, number>();
let sweeper: NodeJS.Timeout | null = null;

/** Destroys `socket` within LINGER_MS to 1.25 x LINGER_MS unless it closes first. */
export function linger(socket: Socket): void {
  lingering.set(socket, Date.now() + LINGER_MS);
  if (sweeper === null) {
    sweeper = setInterval(sweepLingering, LINGER_MS / 4);
    sweeper.unref();
  }
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

/** Destroys a lingering socket now. */
function kill(socket: Socket): void {
  lingering.delete(socket);
  socket.destroy();
}

// The listeners of a lingering socket take it as `this` (Node calls them on the
// emitter): no closure per connection. A socket emits each of these once.
function onPeerEnd(this: Socket): void {
  if (this.writableFinished) kill(this);
}
function onWrittenOut(this: Socket): void {
  if (this.readableEnded) kill(this);
}
function onClose(this: Socket): void {
  lingering.delete(this);
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
  // What the client still sends is read and dropped: a flowing socket discards what no listener
  // takes, and a socket's reader drops what arrives once our side is ended (socket-reader.ts).
  // Removing the reader's listener instead would turn the socket's listener table into a
  // slow dictionary (EventEmitter deletes the key).
  socket.resume();
  linger(socket);
  if (!socket.readableEnded) socket.on("end", onPeerEnd);
  socket.on("close", onClose);
  if (!socket.writableFinished) socket.on("finish", onWrittenOut);
  else if (socket.readableEnded) return kill(socket);
  socket.end();
}
