import type { Server as NetServer, Socket } from "node:net";
import net from "node:net";
import tls, { type TLSSocket } from "node:tls";
import { HTTPServer } from "./http-server.js";
import { readProxyHeader } from "./proxy-header-reader.js";
import type { RequestHandlerClass } from "./request-server.js";
import { loadCredentials, secureContextOptions, type HTTPSServerOptions, type TlsCredentials } from "./tls-credentials.js";

/**
 * CPython 3.14's `HTTPSServer` on `node:tls`: `HTTPServer`'s lifecycle, with
 * every connection TLS-wrapped before the handler sees it.
 *
 * ```ts
 * const server = new ThreadingHTTPSServer(["", 8443], Handler, { certfile: "cert.pem", keyfile: "key.pem" });
 * await server.ready;
 * await server.serveForever();
 * ```
 *
 * The certificate, key and password are read and checked synchronously in
 * the constructor, which throws a {@link TLSConfigError} naming the file and
 * the cause before any port is bound.
 *
 * Handlers read and write decrypted bytes through the same `rfile` and
 * `wfile`; to tell a secure connection, a handler tests
 * `this.request instanceof TLSSocket` (or `"encrypted" in this.request`) and
 * may read `(this.request as TLSSocket).alpnProtocol` or `getProtocol()`.
 *
 * Beyond CPython (whose accept loop runs each handshake in turn): handshakes
 * run concurrently on their own connections, even for the one-at-a-time
 * `HTTPSServer`, and a connection is handed to the server only once its
 * handshake is done; a handshake that takes longer than `handshakeTimeout`
 * seconds is abandoned and its connection closed; a failed handshake (plain
 * HTTP sent to this port, a client that refuses the certificate, a client
 * offering ALPN protocols of which none is ours: Node sends RFC 7301's
 * `no_application_protocol` alert where CPython goes on without ALPN) goes to
 * `handleTlsClientError()`, which closes the connection quietly, as CPython
 * drops a connection whose handshake failed.
 *
 * The password is used during construction and kept only until the
 * listener is made (when the server binds), then dropped.
 */
export class HTTPSServer extends HTTPServer {
  /** The certificate chain file. */
  readonly certfile: string;
  /** The key file; null when the key is in `certfile`. */
  readonly keyfile: string | null;
  /** The protocols offered by ALPN. */
  readonly alpnProtocols: readonly string[];
  /**
   * Seconds a new connection has to complete its TLS handshake before it is
   * closed (default 10: a real client needs a few round trips; Node's own
   * default of 120 would let stalled connections pile up). Read when the
   * listener is made (when the server binds).
   */
  declare handshakeTimeout: number;

  /** Connections still in their handshake, by peer address: the HTTP layer does not know them yet. */
  readonly #handshaking = new Map<string, Socket>();
  /** Checked credentials until the listener is made (then dropped: the password is not kept). */
  #credentials: TlsCredentials | null;

  constructor(
    serverAddress: readonly [string, number],
    RequestHandlerClass: RequestHandlerClass,
    options: HTTPSServerOptions,
    bindAndActivate = true,
  ) {
    const credentials = loadCredentials(options);
    super(serverAddress, RequestHandlerClass, bindAndActivate);
    this.#credentials = credentials;
    this.certfile = options.certfile;
    this.keyfile = options.keyfile ?? null;
    this.alpnProtocols = Object.freeze([...credentials.alpn]);
  }

  /** Makes the `tls.Server`: handshakes on arrival, `onSocket` receives each connection once it is secure. */
  protected override createListener(onSocket: (socket: Socket) => void): NetServer {
    const credentials = this.#credentials;
    if (credentials === null) throw new Error("HTTPSServer has no credentials left: it was closed before it bound");
    const server = tls.createServer({
      ...secureContextOptions(credentials),
      ALPNProtocols: [...credentials.alpn],
      handshakeTimeout: Math.max(1, Math.round(this.handshakeTimeout * 1000)),
      // Not during the handshake: a peer that sends FIN before finishing it would
      // otherwise hold its connection until the deadline. Set per socket once secure.
      allowHalfOpen: false,
      pauseOnConnect: false,
    });
    // The key and password live on in the TLS context only.
    this.#credentials = null;
    // The raw socket and the TLSSocket made from it share the peer's address and port.
    const peer = (socket: Socket): string => `${socket.remoteAddress ?? ""}|${socket.remotePort ?? 0}`;
    server.on("connection", (raw: Socket) => {
      const key = peer(raw);
      this.#handshaking.set(key, raw);
      raw.once("close", () => {
        if (this.#handshaking.get(key) === raw) this.#handshaking.delete(key);
      });
    });
    server.on("secureConnection", (socket: TLSSocket) => {
      this.#handshaking.delete(peer(socket));
      // As the plain server: a client may shut down its sending side after the
      // request (close_notify, FIN) and still read the response.
      socket.allowHalfOpen = true;
      // Client-initiated renegotiation (TLS 1.2) makes the server do a handshake's work
      // per request of the client's: refused outright, the connection closed (as nginx).
      socket.disableRenegotiation();
      socket.on("error", (err: NodeJS.ErrnoException) => {
        if (err.code === "ERR_TLS_RENEGOTIATION_DISABLED" || err.code === "ERR_TLS_SESSION_ATTACK") socket.destroy();
      });
      onSocket(socket);
    });
    server.on("tlsClientError", (err: Error, socket: TLSSocket) => {
      try {
        this.handleTlsClientError(err, socket);
      } catch (hookError) {
        // An exception thrown from an event listener would end the process.
        process.stderr.write(`handleTlsClientError() failed: ${hookError instanceof Error ? (hookError.stack ?? hookError.message) : String(hookError)}\n`);
      }
      // Node leaves a socket whose handshake timed out open: never leak it, whatever a subclass did.
      if (!socket.destroyed) socket.destroy();
    });
    if (!this.proxyProtocol) return server;
    // The PROXY header comes before the ClientHello: a plain listener reads it, then hands the
    // connection (the bytes after the header put back) to the TLS server, which never listens itself.
    return net.createServer({ pauseOnConnect: false }, (raw) => {
      raw.on("error", () => {});
      // A throw while handing over (a socket gone meanwhile) closes it; it never becomes an unhandled rejection.
      readProxyHeader(raw, this.proxyProtocolTimeout * 1000).then((ok) => ok && server.emit("connection", raw)).catch(() => raw.destroy());
    });
  }

  /** Stops serving (see HTTPServer); the key and password are dropped if the server never bound. */
  override async serverClose(): Promise<void> {
    this.#credentials = null;
    await super.serverClose();
  }

  /** Closes idle connections, and those still in their TLS handshake (no request has begun on them). */
  override closeIdleConnections(): void {
    super.closeIdleConnections();
    this.#closeHandshaking();
  }

  /** Destroys every connection at once, those still in their TLS handshake included. */
  override closeAllConnections(): void {
    super.closeAllConnections();
    this.#closeHandshaking();
  }

  #closeHandshaking(): void {
    for (const raw of [...this.#handshaking.values()]) raw.destroy();
    this.#handshaking.clear();
  }

  /**
   * Called when a connection fails before its handshake completes (plain
   * HTTP, a stalled or refused handshake, a reset); the connection is closed
   * afterwards. Does nothing by default, as CPython; override to log.
   */
  handleTlsClientError(_error: Error, _socket: TLSSocket): void {}
}

HTTPSServer.prototype.handshakeTimeout = 10;

/** `HTTPSServer` that serves every connection at once (on the event loop, not threads); the command line uses it. */
export class ThreadingHTTPSServer extends HTTPSServer {}
ThreadingHTTPSServer.prototype.handlesConcurrently = true;
