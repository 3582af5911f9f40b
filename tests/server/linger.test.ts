/**
 * closeGracefully(): the lingering close, on real sockets. Our side is shut
 * down; what the client still sends is read and dropped (never buffered, and
 * never left unread for a reset); the socket is destroyed once both sides are
 * done, or LINGER_MS after our end whatever the client does.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import net, { type Socket } from "node:net";
import { closeGracefully, LINGER_MS } from "../../src/server/linger.js";
import { SocketReader } from "../../src/server/socket-reader.js";

/** A connected pair: [server side, client side]; the server side as an HTTP server's (allowHalfOpen). */
async function socketPair(): Promise<{ server: Socket; client: Socket; close: () => void }> {
  const listener = net.createServer({ allowHalfOpen: true });
  await new Promise<void>((r) => listener.listen(0, "127.0.0.1", r));
  const { port } = listener.address() as net.AddressInfo;
  const accepted = new Promise<Socket>((r) => listener.once("connection", r));
  const client = net.connect({ port, host: "127.0.0.1", allowHalfOpen: true });
  const server = await accepted;
  server.on("error", () => {});
  client.on("error", () => {});
  return { server, client, close: () => (server.destroy(), client.destroy(), listener.close()) };
}

const closed = (s: Socket): Promise<number> => {
  const t0 = Date.now();
  return new Promise((r) => (s.destroyed && s.closed ? r(0) : s.once("close", () => r(Date.now() - t0))));
};
const ended = (s: Socket): Promise<void> => new Promise((r) => (s.readableEnded ? r() : s.once("end", () => r())));

/** Runs `body` with a fresh connected pair, closed afterwards whatever happens. */
async function withPair(body: (server: Socket, client: Socket) => Promise<void>): Promise<void> {
  const { server, client, close } = await socketPair();
  try {
    await body(server, client);
  } finally {
    close();
  }
}

/** The client ends its side: the lingering server socket must be destroyed then, before the linger deadline. */
async function clientEndsThenServerCloses(server: Socket, client: Socket, message?: string): Promise<void> {
  const gone = closed(server);
  client.end();
  assert.ok((await gone) < LINGER_MS, message);
}

/** Writes `bytes` to `s` and resolves once the kernel took all of it (the peer kept reading). */
function writeAll(s: Socket, bytes: number): Promise<void> {
  return new Promise((resolve, reject) => s.write(Buffer.alloc(bytes, 0x61), (err) => (err ? reject(err) : resolve())));
}

describe("closeGracefully()", () => {
  it("drops what arrives after our end through the socket's reader, which buffers none of it", { timeout: 10_000 }, async () => {
    await withPair(async (server, client) => {
      const reader = new SocketReader(server, 64 * 1024);
      client.resume();
      closeGracefully(server);
      await ended(client); // our FIN arrived
      await writeAll(client, 4 * 1024 * 1024); // taken: the server reads and drops it
      assert.equal(reader.available, 0);
      assert.equal(server.destroyed, false, "the client has not ended: the server still lingers");
      await clientEndsThenServerCloses(server, client, "destroyed once both sides ended, before the linger deadline");
    });
  });

  it("lets a reader that paused at its high-water mark flow again, so the unread rest is drained, not reset", { timeout: 10_000 }, async () => {
    await withPair(async (server, client) => {
      const reader = new SocketReader(server, 1024);
      client.resume();
      await writeAll(client, 8 * 1024);
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(server.isPaused(), true, "the reader paused the socket past 1 KiB unread");
      closeGracefully(server);
      await ended(client);
      await writeAll(client, 2 * 1024 * 1024);
      assert.ok(reader.available <= 8 * 1024, "nothing arriving after our end was added");
      await clientEndsThenServerCloses(server, client);
    });
  });

  it("reads and drops on a socket nobody reads (a connection refused before HTTP)", { timeout: 10_000 }, async () => {
    await withPair(async (server, client) => {
      client.resume();
      server.write("busy\n");
      closeGracefully(server);
      await ended(client);
      await writeAll(client, 1024 * 1024);
      await clientEndsThenServerCloses(server, client);
    });
  });

  it("destroys the socket once written out when the client had already ended", { timeout: 10_000 }, async () => {
    await withPair(async (server, client) => {
      new SocketReader(server);
      client.end();
      await ended(server);
      const gone = closed(server);
      closeGracefully(server);
      assert.ok((await gone) < LINGER_MS);
      await ended(client);
    });
  });

  it("cuts a client that never ends its side LINGER_MS to 1.25 x LINGER_MS after our end", { timeout: 10_000 }, async () => {
    await withPair(async (server, client) => {
      new SocketReader(server);
      client.resume();
      const gone = closed(server);
      closeGracefully(server);
      await ended(client);
      const after = await gone;
      assert.ok(after >= LINGER_MS - 50 && after <= LINGER_MS * 1.25 + 250, `destroyed after ${after} ms`);
    });
  });
});
