import { DEFAULT_ERROR_CONTENT_TYPE, DEFAULT_ERROR_MESSAGE } from "../python/error-page.js";
import { HeaderMap } from "../wire/header-map.js";
import { RESPONSES } from "../wire/responses.js";

/** The package version of the base layer, as CPython's `http.server.__version__`. */
export const BASE_VERSION = "0.6";

/**
 * CPython's class attributes of `BaseHTTPRequestHandler`, and our own
 * settings beside them. They live on the prototype, so a subclass overrides
 * one as a class field (`override protocolVersion = "HTTP/1.1"`) or on its
 * prototype (`Handler.prototype.protocolVersion = "HTTP/1.1"`), and an
 * instance may change its own between requests.
 */
export interface HandlerAttributes {
  /** `name[/version]` words naming the server software (CPython: `BaseHTTP/0.6`). */
  serverVersion: string;
  /** The runtime version (`Node/20.x.y`; CPython writes `Python/3.x`). */
  sysVersion: string;
  /** The error page template, `%(code)d`, `%(message)s` and `%(explain)s` filled in. */
  errorMessageFormat: string;
  /** Content-Type of error pages. */
  errorContentType: string;
  /** Protocol of responses; `HTTP/1.1` enables persistent connections. */
  protocolVersion: string;
  /** The version assumed until the request line is parsed. */
  defaultRequestVersion: string;
  /** Status code -> [reason phrase, explanation]. */
  responses: Readonly<Record<number, readonly [string, string]>>;
  /** The header map class instantiated for `headers`. */
  MessageClass: new (entries?: Iterable<readonly [string, string]>) => HeaderMap;
  /** Seconds each read or write may wait (CPython's `timeout`); null waits forever, bounded by the limits below. */
  timeout: number | null;
  /** Sets TCP_NODELAY on the connection (CPython's `disable_nagle_algorithm`). */
  disableNagleAlgorithm: boolean;
  /**
   * Seconds an idle persistent connection waits for its next request before
   * closing quietly; also the most time spent discarding a body the handler left unread.
   */
  keepAliveTimeout: number;
  /** Seconds a client has to send a whole request head once it started (answered with 408). */
  headersTimeout: number;
  /** Seconds a write may wait on a client that does not read, when `timeout` is null. */
  writeTimeout: number;
  /** Most unread body bytes discarded after a handler to keep the connection; past it the connection closes. */
  maxDiscardBytes: number;
  /** Most bytes of a request's header fields (431 beyond; default 64 KiB; the request line has CPython's own 64 KiB limit). */
  maxHeaderBytes: number;
  /** Month names of log dates, index 1 = Jan (CPython's `monthname`). */
  monthname: readonly (string | null)[];
}

/** The defaults, CPython's where CPython has the attribute. */
export const HANDLER_DEFAULTS: Readonly<HandlerAttributes> = Object.freeze({
  serverVersion: "BaseHTTP/" + BASE_VERSION,
  sysVersion: "Node/" + process.versions.node,
  errorMessageFormat: DEFAULT_ERROR_MESSAGE,
  errorContentType: DEFAULT_ERROR_CONTENT_TYPE,
  protocolVersion: "HTTP/1.0",
  defaultRequestVersion: "HTTP/0.9",
  responses: RESPONSES,
  MessageClass: HeaderMap,
  timeout: null,
  disableNagleAlgorithm: false,
  keepAliveTimeout: 15,
  headersTimeout: 30,
  writeTimeout: 60,
  maxDiscardBytes: 1024 * 1024,
  maxHeaderBytes: 64 * 1024,
  monthname: Object.freeze([null, "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]),
});

/** `do_` names of the usual methods, so dispatch does not build a string per request. */
export const DO_NAMES: Readonly<Record<string, string>> = Object.assign(Object.create(null) as Record<string, string>, {
  GET: "do_GET",
  HEAD: "do_HEAD",
  POST: "do_POST",
  PUT: "do_PUT",
  DELETE: "do_DELETE",
  OPTIONS: "do_OPTIONS",
  PATCH: "do_PATCH",
});

