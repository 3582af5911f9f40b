import { X509Certificate, createPrivateKey, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import tls from "node:tls";
import { osErrorText } from "../python/os-error.js";
import { pyRepr } from "../python/py-format.js";

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

/** What `tls.createServer` needs, checked. */
export interface TlsCredentials {
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
export function loadCredentials(options: HTTPSServerOptions): TlsCredentials {
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

/** The key pair as `tls.createSecureContext` takes it. */
export function secureContextOptions(c: TlsCredentials): tls.SecureContextOptions {
  return c.passphrase === undefined ? { cert: c.cert, key: c.key } : { cert: c.cert, key: c.key, passphrase: c.passphrase };
}

