import { X509Certificate, createPrivateKey, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { constants as osConstants } from "node:os";
import type { Server as NetServer, Socket } from "node:net";
import tls, { type TLSSocket } from "node:tls";
import { pyRepr } from "../wire/py-format.js";
import { HTTPServer } from "./http-server.js";
import type { RequestHandlerClass } from "./request-server.js";

/** Stable identifiers of the ways a certificate, key or password can be unusable. */
export type TLSConfigErrorCode =
  /** The certificate file could not be read (missing, unreadable, a directory). */
  | "ERR_TLS_CERT_UNREADABLE"
  /** The certificate file holds no PEM certificate, or one OpenSSL cannot parse. */
  | "ERR_TLS_CERT_INVALID"
  /** The key file could not be read. */
  | "ERR_TLS_KEY_UNREADABLE"
  /** No private key: none in the key file, or none in the certificate file when no key file was given. */
  | "ERR_TLS_KEY_MISSING"
  /** The private key is there but cannot be parsed. */
  | "ERR_TLS_KEY_INVALID"
  /** The key does not belong to the certificate. */
  | "ERR_TLS_KEY_MISMATCH"
  /** The key is encrypted and no password was given. */
  | "ERR_TLS_PASSWORD_REQUIRED"
  /** The password does not decrypt the key. */
  | "ERR_TLS_BAD_PASSWORD"
  /** `alpnProtocols` holds a name ALPN cannot carry (empty or over 255 bytes). */
  | "ERR_TLS_ALPN_INVALID"
  /** OpenSSL refused the pair for another reason (its message is kept in `message` and `cause`). */
  | "ERR_TLS_CONTEXT";

/**
 * A certificate, key, password or ALPN list that cannot be used, found while
 * constructing an HTTPSServer and so before any port is bound. `message`
 * names the file and the cause; `code` is stable, for programs.
 */
export class TLSConfigError extends Error {
  override readonly name = "TLSConfigError";
  /** What went wrong (stable). */
  readonly code: TLSConfigErrorCode;
  /** The file at fault (the key file for key and password errors); '' for ALPN errors. */
  readonly file: string;

  constructor(code: TLSConfigErrorCode, file: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.file = file;
  }
}

/** The TLS part of an HTTPSServer's configuration (CPython 3.14's keyword arguments). */
export interface HTTPSServerOptions {
  /** PEM file with the certificate chain, leaf first; may hold the private key too. */
  readonly certfile: string;
  /** PEM file with the private key; omitted or null when `certfile` holds it. */
  readonly keyfile?: string | null | undefined;
  /**
   * Password of an encrypted key, or a function returning it (called only
   * when the key is encrypted, once, during construction).
   */
  readonly password?: string | (() => string) | null | undefined;
  /** Protocols offered by ALPN, in order of preference (default `["http/1.1"]`). */
  readonly alpnProtocols?: readonly string[] | null | undefined;
}

const STRERROR: Readonly<Record<string, string>> = {
  ENOENT: "No such file or directory",
  EACCES: "Permission denied",
  EPERM: "Operation not permitted",
  EISDIR: "Is a directory",
  ENOTDIR: "Not a directory",
  ELOOP: "Too many levels of symbolic links",
  ENAMETOOLONG: "File name too long",
  EMFILE: "Too many open files",
  ENFILE: "Too many open files in system",
  EIO: "Input/output error",
  ENXIO: "No such device or address",
  EINVAL: "Invalid argument",
};

/**
 * Python's text for an OSError about `path`: `[Errno 2] No such file or
 * directory: 'cert.pem'`, so the command line reads like CPython's.
 */
export function osErrorText(err: unknown, path: string): string {
  const e = err as NodeJS.ErrnoException;
  const code = typeof e?.code === "string" ? e.code : "";
  const errno = (osConstants.errno as Readonly<Record<string, number | undefined>>)[code];
  if (errno === undefined) return `${err instanceof Error ? err.message : String(err)}: ${pyRepr(path)}`;
  // libuv's own wording ("illegal operation on a directory") differs from the C library's, which Python shows.
  const uv = /^[A-Z0-9]+: ([^,]*)/.exec(e.message)?.[1] ?? code;
  const text = STRERROR[code] ?? uv.charAt(0).toUpperCase() + uv.slice(1);
  return `[Errno ${errno}] ${text}: ${pyRepr(path)}`;
}

/** What `tls.createServer` needs, checked. */
interface TlsCredentials {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly passphrase: string | undefined;
  readonly alpn: readonly string[];
}

const CERT_PEM = /-----BEGIN (?:TRUSTED |X509 )?CERTIFICATE-----/;
const KEY_PEM = /-----BEGIN (?:[A-Z0-9]+ )?PRIVATE KEY-----/;
const ENCRYPTED_PEM = /-----BEGIN ENCRYPTED PRIVATE KEY-----|^Proc-Type:\s*4,ENCRYPTED/m;

function openssl(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const reason = (err as Error & { reason?: unknown }).reason;
  return typeof reason === "string" && reason !== "" ? reason : err.message;
}

function readPem(path: string, code: "ERR_TLS_CERT_UNREADABLE" | "ERR_TLS_KEY_UNREADABLE", what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new TLSConfigError(code, path, `cannot read TLS ${what} file: ${osErrorText(err, path)}`, { cause: err });
  }
}

/**
 * Reads and checks the certificate, key and password the way CPython's
 * `load_cert_chain` would refuse them, with a cause for each refusal
 * (OpenSSL alone accepts a key of the wrong certificate or no key at all).
 */
function loadCredentials(options: HTTPSServerOptions): TlsCredentials {
  if (typeof options?.certfile !== "string" || options.certfile === "") throw new TypeError("HTTPSServer needs options.certfile, the path of a PEM certificate file");
  const certfile = options.certfile;
  const keyfile = options.keyfile ?? null;
  const alpn = [...(options.alpnProtocols ?? ["http/1.1"])];
  for (const p of alpn) {
    const n = Buffer.byteLength(p, "utf8");
    if (n === 0 || n > 255) throw new TLSConfigError("ERR_TLS_ALPN_INVALID", "", `ALPN protocol names are 1 to 255 bytes: ${pyRepr(p)}`);
  }

  const cert = readPem(certfile, "ERR_TLS_CERT_UNREADABLE", "certificate");
  if (!CERT_PEM.test(cert.toString("latin1"))) {
    throw new TLSConfigError("ERR_TLS_CERT_INVALID", certfile, `TLS certificate file ${certfile} holds no PEM certificate ("-----BEGIN CERTIFICATE-----")`);
  }
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (err) {
    throw new TLSConfigError("ERR_TLS_CERT_INVALID", certfile, `TLS certificate file ${certfile}: cannot parse the certificate (${openssl(err)})`, { cause: err });
  }

  const keyPath = keyfile ?? certfile;
  const key = keyfile === null ? cert : readPem(keyfile, "ERR_TLS_KEY_UNREADABLE", "key");
  const keyText = key.toString("latin1");
  if (!KEY_PEM.test(keyText)) {
    throw new TLSConfigError(
      "ERR_TLS_KEY_MISSING",
      keyPath,
      keyfile === null
        ? `TLS certificate file ${certfile} holds no private key, and no key file was given`
        : `TLS key file ${keyfile} holds no PEM private key`,
    );
  }

  let passphrase: string | undefined;
  const keyName = keyfile === null ? `TLS certificate file ${certfile}` : `TLS key file ${keyfile}`;
  if (ENCRYPTED_PEM.test(keyText)) {
    // As OpenSSL's password callback in CPython: asked for only when the key needs one.
    const given = typeof options.password === "function" ? options.password() : options.password;
    if (given === undefined || given === null) {
      throw new TLSConfigError("ERR_TLS_PASSWORD_REQUIRED", keyPath, `${keyName}: the private key is encrypted and no password was given`);
    }
    if (typeof given !== "string") throw new TypeError(`the password function must return a string, not ${typeof given}`);
    passphrase = given;
  }

  let keyObject: KeyObject;
  try {
    keyObject = passphrase === undefined ? createPrivateKey({ key }) : createPrivateKey({ key, passphrase });
  } catch (err) {
    if (passphrase !== undefined) {
      // An encrypted PEM has no integrity check: a wrong password usually fails the CBC
      // padding ("bad decrypt"), but about 1 time in 256 the padding happens to look valid and
      // OpenSSL then fails to decode the garbage ("unsupported"). Either way the likely cause is
      // the password, so both are reported as such.
      const cause = (err as NodeJS.ErrnoException).code === "ERR_OSSL_BAD_DECRYPT" ? "" : ", or the key is damaged";
      throw new TLSConfigError("ERR_TLS_BAD_PASSWORD", keyPath, `${keyName}: wrong password for the private key${cause} (${openssl(err)})`, { cause: err });
    }
    throw new TLSConfigError("ERR_TLS_KEY_INVALID", keyPath, `${keyName}: cannot parse the private key (${openssl(err)})`, { cause: err });
  }
  if (!x509.checkPrivateKey(keyObject)) {
    throw new TLSConfigError(
      "ERR_TLS_KEY_MISMATCH",
      keyPath,
      keyfile === null
        ? `TLS certificate file ${certfile}: the private key does not match the certificate`
        : `TLS key file ${keyfile} does not match the certificate in ${certfile}`,
    );
  }

  const creds: TlsCredentials = { cert, key, passphrase, alpn };
  try {
    // What the listener will do; any refusal left (a key too weak for OpenSSL's security level) surfaces here.
    tls.createSecureContext(secureContextOptions(creds));
  } catch (err) {
    throw new TLSConfigError("ERR_TLS_CONTEXT", certfile, `TLS certificate ${certfile} with key ${keyPath}: ${openssl(err)}`, { cause: err });
  }
  return creds;
}

function secureContextOptions(c: TlsCredentials): tls.SecureContextOptions {
  return c.passphrase === undefined ? { cert: c.cert, key: c.key } : { cert: c.cert, key: c.key, passphrase: c.passphrase };
}

// HTTPServer's constructor calls createListener() before a subclass
// constructor body can store anything on `this`, so the checked credentials
// travel to it here; construction is synchronous, so no other server can
// come between.
let pendingCredentials: TlsCredentials | null = null;

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
 * The password is used during construction and not kept.
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
   * listener is made: set it on a subclass's prototype.
   */
  declare handshakeTimeout: number;

  /** Connections still in their handshake, by peer address: the HTTP layer does not know them yet. */
  readonly #handshaking = new Map<string, Socket>();

  constructor(
    serverAddress: readonly [string, number],
    RequestHandlerClass: RequestHandlerClass,
    options: HTTPSServerOptions,
    bindAndActivate = true,
  ) {
    const credentials = loadCredentials(options);
    pendingCredentials = credentials;
    super(serverAddress, RequestHandlerClass, bindAndActivate);
    pendingCredentials = null;
    this.certfile = options.certfile;
    this.keyfile = options.keyfile ?? null;
    this.alpnProtocols = Object.freeze([...credentials.alpn]);
  }

  /** Makes the `tls.Server`: handshakes on arrival, `onSocket` receives each connection once it is secure. */
  protected override createListener(onSocket: (socket: Socket) => void): NetServer {
    const credentials = pendingCredentials;
    pendingCredentials = null;
    if (credentials === null) throw new Error("HTTPSServer.createListener() runs only inside the HTTPSServer constructor");
    const server = tls.createServer({
      ...secureContextOptions(credentials),
      ALPNProtocols: [...credentials.alpn],
      handshakeTimeout: Math.max(1, Math.round(this.handshakeTimeout * 1000)),
      // Not during the handshake: a peer that sends FIN before finishing it would
      // otherwise hold its connection until the deadline. Set per socket once secure.
      allowHalfOpen: false,
      pauseOnConnect: false,
    });
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
    return server;
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
