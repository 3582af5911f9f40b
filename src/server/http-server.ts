import net, { type Socket } from "node:net";
import { AcceptQueue, type Accepted } from "./accept-queue.js";
import { ActiveConnections } from "./active-connections.js";
import { errorReport } from "../python/error-report.js";
import { isClientGone } from "./errors.js";
import { closeGracefully, IDLE_GRACE_MS } from "./linger.js";
import { ConnectionGate, defaultMaxConnections } from "./connection-gate.js";
import { formatLogDate } from "../wire/http-date.js";
import type { HeaderMap } from "../wire/header-map.js";
import { closeListener, listenOn } from "./listen.js";
import { proxiedSource, readProxyHeader } from "./proxy-header-reader.js";
import { trustedClient, trustedScheme } from "./trusted-proxies.js";
import type { ClientAddress, RequestHandlerClass, RequestServer } from "./request-server.js";
import { serverNameFor } from "./server-name.js";

const ignore = (): void => {};

/**
 * CPython's `HTTPServer` (socketserver's TCPServer lifecycle) on `node:net`.
 *
 * Construction binds and listens once the constructors have returned (a subclass's fields are set
 * by then): `await server.ready`, or `await HTTPServer.create(...)`; port 0 gives a real port,
 * readable as `serverPort` before serving. Connections that arrive before `serveForever()` or
 * `handleRequest()` wait, as in a listen backlog.
 *
 * `HTTPServer` serves one connection at a time, to its end, as CPython does (a keep-alive client
 * holds it until it closes or idles out); `ThreadingHTTPServer`, the command line's, serves every
 * connection at once on the event loop.
 */
export class HTTPServer implements RequestServer, AsyncDisposable {
  /** `[host, port]` the server is bound to (the requested address until bound). */
  serverAddress: [string, number];
  /** The handler class instantiated for each connection. */
  readonly RequestHandlerClass: RequestHandlerClass;
  /** Settles once bound and listening; rejects with the bind error (e.g. EADDRINUSE). */
  readonly ready: Promise<void>;
  /** Host name of the bound address. */
  serverName = "";
  /** Port of the bound address. */
  serverPort = 0;
  /** Seconds `handleRequest()` waits for a connection before calling `handleTimeout()`; null waits forever. */
  timeout: number | null = null;
  /** Listen backlog (CPython: 5; Node's and nginx's 511 suits a file server better). */
  declare requestQueueSize: number;
  /**
   * Seconds `serverClose()` lets responses in progress finish before it closes their connections
   * (default 10, as the command line's SIGTERM); null waits for ever. A handler streaming without
   * end (server-sent events) should end when it sees `this.server.closing`.
   */
  declare drainTimeout: number | null;
  /** Serves connections concurrently (ThreadingHTTPServer) or one after another. */
  declare handlesConcurrently: boolean;
  /**
   * Connections open at once (queued, served, closing); past it a connection is answered 503 with
   * Retry-After and closed, so the process never runs out of descriptors on accept. Default: half
   * the descriptor limit, less 16 (see `defaultMaxConnections`); null: no cap.
   */
  declare maxConnections: number | null;
  /** Proxies whose `Forwarded` / `X-Forwarded-For` name the client (CIDR ranges, addresses, `loopback`); empty: none. */
  declare trustedProxies: readonly string[];
  /** Connections begin with a PROXY protocol header (v1 or v2; HAProxy `send-proxy`), read within `proxyProtocolTimeout` seconds; without one they are closed. */
  declare proxyProtocol: boolean;
  declare proxyProtocolTimeout: number;

  #listener: net.Server | null = null;
  /** Accepted, not yet served. */
  readonly #queue = new AcceptQueue();
  /** Being served (serverClose() waits until none is left). */
  readonly #active = new ActiveConnections();
  #serving = false;
  #shutdownRequested = false;
  #serveDone: Promise<void> = Promise.resolve();
  #closing = false;
  #closed = false;
  #closeDone: Promise<void> | null = null;
  readonly #gate = new ConnectionGate((open) => this.logOverload(`${open} connections open (maxConnections ${this.maxConnections ?? "none"}): answering 503`));

  constructor(serverAddress: readonly [string, number], RequestHandlerClass: RequestHandlerClass, bindAndActivate = true) {
    this.serverAddress = [serverAddress[0] === "" ? "0.0.0.0" : serverAddress[0], serverAddress[1]];
    this.RequestHandlerClass = RequestHandlerClass;
    if (bindAndActivate) {
      // Bound once the constructors have returned: a subclass's (HTTPSServer's credentials) has run.
      this.ready = Promise.resolve().then(async () => {
        if (this.#closed) return;
        try {
          await this.serverBind();
          if (this.#closed) return;
          await this.serverActivate();
        } catch (err) {
          await this.serverClose();
          throw err;
        }
      });
      this.ready.catch(ignore);
    } else {
      this.ready = Promise.resolve();
    }
  }

  /** Constructs, binds and resolves once listening: `await using server = await HTTPServer.create(addr, Handler)`. */
  static async create<T extends HTTPServer, A extends unknown[]>(
    this: new (address: readonly [string, number], handler: RequestHandlerClass, ...rest: A) => T,
    serverAddress: readonly [string, number],
    RequestHandlerClass: RequestHandlerClass,
    ...rest: A
  ): Promise<T> {
    // `rest` carries a subclass's own constructor arguments (HTTPSServer's TLS options).
    const server = new this(serverAddress, RequestHandlerClass, ...rest);
    await server.ready;
    return server;
  }

  /** Makes the listening server, on first use; `onSocket` receives each connection ready for HTTP. Overridden for TLS. */
  protected createListener(onSocket: (socket: Socket) => void): net.Server {
    // allowHalfOpen: a client may shut down its sending side after the request and still read the response.
    return net.createServer({ allowHalfOpen: true, pauseOnConnect: false }, onSocket);
  }

  /** Binds and listens on `serverAddress` (`::` is dual-stack); sets `serverName` and `serverPort`. */
  async serverBind(): Promise<void> {
    const [host, port] = this.serverAddress;
    const listener = this.listener;
    await listenOn(listener, host, port, this.requestQueueSize);
    if (this.#closed) {
      // serverClose() came while binding: do not leave the port open behind it.
      listener.close();
      return;
    }
    const addr = listener.address();
    if (addr && typeof addr === "object") {
      this.serverAddress = [addr.address, addr.port];
      this.serverPort = addr.port;
    }
    this.serverName = serverNameFor(this.serverAddress[0]);
  }

  /** Starts accepting (the listen in `serverBind` already queues connections); a hook for subclasses. */
  async serverActivate(): Promise<void> {}

  /** True once `serverClose()` began. */
  get closing(): boolean {
    return this.#closing;
  }

  /** The underlying `net.Server` (for `ref`/`unref` and events). */
  get listener(): net.Server {
    if (this.#listener === null) {
      this.#listener = this.createListener((socket) => this.#onConnection(socket));
      this.#listener.on("error", ignore);
    }
    return this.#listener;
  }

  #onConnection(socket: Socket): void {
    socket.on("error", ignore); // reported through reads and writes, never as a crash
    if (this.#closing) {
      socket.destroy();
      return;
    }
    if (!this.#gate.admit(socket, this.maxConnections)) return;
    // A TLS socket had its PROXY header read before its handshake (https-server.ts).
    if (this.proxyProtocol && !("encrypted" in socket)) {
      readProxyHeader(socket, this.proxyProtocolTimeout * 1000).then((ok) => ok && this.#enqueue(socket)).catch(() => socket.destroy());
      return;
    }
    this.#enqueue(socket);
  }

  #enqueue(socket: Socket): void {
    const address: ClientAddress = proxiedSource(socket) ?? [socket.remoteAddress ?? "", socket.remotePort ?? 0];
    // Served at once by a concurrent server that is serving; otherwise it waits (and leaves if its client gives up).
    if (this.#serving && this.handlesConcurrently) void this.#processOne(socket, address);
    else this.#queue.push([socket, address], true);
  }

  #startQueued(): void {
    for (let item = this.#queue.shift(); item; item = this.#queue.shift()) void this.#processOne(...item);
  }

  async #processOne(socket: Socket, address: ClientAddress): Promise<void> {
    this.#active.add(socket);
    try {
      let verified: boolean | Promise<boolean>;
      try {
        verified = this.verifyRequest(socket, address);
        if (verified !== true && verified !== false) verified = await verified;
      } catch (err) {
        // A throwing verifyRequest() refuses the connection; it never takes the server down.
        this.handleError(socket, address, err);
        verified = false;
      }
      if (!verified) {
        this.shutdownRequest(socket);
        return;
      }
      await this.processRequest(socket, address);
    } finally {
      this.#active.delete(socket);
    }
  }

  /** Waits for a queued connection; null once shutdown is requested or after `timeoutMs`. */
  #nextConnection(timeoutMs: number | null): Promise<Accepted | null> {
    return this.#queue.next(timeoutMs, () => this.#shutdownRequested || this.#closed);
  }

  /**
   * Serves until `shutdown()`; calls `serviceActions()` every `pollInterval`
   * seconds. The promise settles once the loop has stopped.
   */
  async serveForever(pollInterval = 0.5): Promise<void> {
    await this.ready;
    if (this.#serving) throw new Error("serveForever() is already running");
    this.#serving = true;
    this.#shutdownRequested = false;
    let finished!: () => void;
    this.#serveDone = new Promise<void>((r) => (finished = r));
    const timer = setInterval(() => {
      try {
        this.serviceActions();
      } catch (err) {
        process.stderr.write(`serviceActions() failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      }
    }, Math.max(1, pollInterval * 1000));
    try {
      if (this.handlesConcurrently) {
        await this.#queue.runUntil(() => this.#startQueued(), () => this.#shutdownRequested || this.#closed);
      } else {
        for (;;) {
          const item = await this.#nextConnection(null);
          if (item === null) break;
          await this.#processOne(...item);
          if (this.#shutdownRequested) break;
        }
      }
    } finally {
      clearInterval(timer);
      this.#serving = false;
      finished();
    }
  }

  /** Asks `serveForever()` to stop and resolves once it has (the current connection of a serial server finishes first). */
  async shutdown(): Promise<void> {
    this.#shutdownRequested = true;
    this.#queue.wake();
    await this.#serveDone;
  }

  /** Called by the `serveForever()` loop every poll interval; a hook for subclasses. */
  serviceActions(): void {}

  /**
   * Handles one connection (all its requests): waits up to `timeout` seconds
   * for one, calling `handleTimeout()` if none comes.
   */
  async handleRequest(): Promise<void> {
    await this.ready;
    const item = await this.#nextConnection(this.timeout === null ? null : this.timeout * 1000);
    if (item === null) {
      if (!this.#shutdownRequested) this.handleTimeout();
      return;
    }
    const p = this.#processOne(...item);
    if (!this.handlesConcurrently) await p;
  }

  /** Called when `handleRequest()` saw no connection within `timeout`; a hook. */
  handleTimeout(): void {}

  /** A handler ran out of descriptors (EMFILE): new connections get 503 for a second (nginx stops accepting a while). */
  noteDescriptorShortage(): void {
    this.#gate.noteShortage();
  }

  /** Reports, once a second at most, that connections are being refused (stderr). */
  logOverload(message: string): void {
    process.stderr.write(`- - [${formatLogDate()}] ${message}\n`);
  }

  /** The client of a request behind `trustedProxies` (a hook: override to read other headers); null: the peer is the client. */
  forwardedFor(peer: ClientAddress, headers: HeaderMap): ClientAddress | null {
    return trustedClient(this.trustedProxies, peer, headers);
  }

  /** The scheme behind `trustedProxies` (`X-Forwarded-Proto`, `Forwarded: proto=`; a hook); null: none says. */
  forwardedScheme(peer: ClientAddress, headers: HeaderMap): "http" | "https" | null {
    return trustedScheme(this.trustedProxies, peer, headers);
  }

  /** Return false to refuse a connection before any byte is read. */
  verifyRequest(_request: Socket, _clientAddress: ClientAddress): boolean | Promise<boolean> {
    return true;
  }

  /**
   * Serves one connection and closes it; errors go to `handleError()`, except
   * a client that went away (ConnectionClosedError, ECONNRESET, EPIPE): that is
   * not a server error, and a traceback per reset would bury the real ones.
   */
  async processRequest(request: Socket, clientAddress: ClientAddress): Promise<void> {
    try {
      await this.finishRequest(request, clientAddress);
    } catch (err) {
      if (!isClientGone(err)) this.handleError(request, clientAddress, err);
    } finally {
      this.shutdownRequest(request);
    }
  }

  /** Instantiates the handler class for the connection and runs it (not async: a frame less per connection; a throw still rejects). */
  finishRequest(request: Socket, clientAddress: ClientAddress): Promise<void> {
    try {
      const handler = new this.RequestHandlerClass(request, clientAddress, this);
      this.#active.attach(request, handler);
      return handler.run();
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Ends a connection gracefully (a lingering close: a reply sent before its request was fully read is not lost to a reset). */
  shutdownRequest(request: Socket): void {
    closeGracefully(request);
  }

  /** Closes a connection at once. */
  closeRequest(request: Socket): void {
    request.destroy();
  }

  /** Reports an error on stderr in CPython's shape (a client that went away is not reported); the server goes on. */
  handleError(_request: Socket, clientAddress: ClientAddress, error: unknown): void {
    process.stderr.write(errorReport(clientAddress, error));
  }

  /** Closes connections that wait for a next request (keep-alive idle) and those not yet served. */
  closeIdleConnections(): void {
    this.#queue.destroyAll();
    this.#active.closeIdle();
  }

  /** Destroys every connection at once. */
  closeAllConnections(): void {
    this.#queue.destroyAll();
    this.#active.closeAll();
  }

  /**
   * Stops accepting, closes idle connections (after a second in which a request arriving on one is
   * answered with `Connection: close`), lets requests in progress finish (for up to `drainTimeout`
   * seconds, then closes their connections), and resolves when every connection has ended. A second
   * call returns the same promise (the command line's, after `serveForever()`, waits for the same drain).
   */
  serverClose(): Promise<void> {
    this.#closeDone ??= this.#close();
    return this.#closeDone;
  }

  async #close(): Promise<void> {
    this.#closing = true;
    this.#closed = true;
    this.#queue.wake();
    const closed = closeListener(this.#listener);
    // Kept-alive connections stay a moment: a request already on its way (a load balancer
    // reusing one) is answered, with Connection: close, instead of meeting a reset.
    const idle = setTimeout(() => this.closeIdleConnections(), Math.min(IDLE_GRACE_MS, (this.drainTimeout ?? Infinity) * 1000));
    // Past the drain deadline, what still runs (a stream without end) is cut.
    const deadline = this.drainTimeout;
    const timer = deadline === null ? null : setTimeout(() => this.closeAllConnections(), Math.max(0, deadline) * 1000);
    try {
      await closed;
      await this.#active.whenEmpty();
    } finally {
      clearTimeout(idle);
      if (timer !== null) clearTimeout(timer);
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#serving) await this.shutdown();
    await this.serverClose();
  }
}

Object.assign(HTTPServer.prototype, {
  requestQueueSize: 511,
  drainTimeout: 10,
  handlesConcurrently: false,
  maxConnections: defaultMaxConnections(),
  trustedProxies: Object.freeze([]),
  proxyProtocol: false,
  proxyProtocolTimeout: 5,
});

/** `HTTPServer` that serves every connection at once (on the event loop, not threads). */
export class ThreadingHTTPServer extends HTTPServer {}
ThreadingHTTPServer.prototype.handlesConcurrently = true;
