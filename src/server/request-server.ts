import type { Socket } from "node:net";
import type { HeaderMap } from "../wire/header-map.js";

/** `[host, port]` of a peer, as CPython's `client_address` (IPv6 hosts without brackets). */
export type ClientAddress = readonly [host: string, port: number];

/**
 * What a handler may ask of the server that accepted its connection. A
 * handler that needs more of its own server class declares it:
 * `declare readonly server: MyServer` (see BaseHTTPRequestHandler.server).
 */
export interface RequestServer {
  /** The host name the server was bound for (CPython's `server_name`). */
  readonly serverName: string;
  /** The port the server listens on (a real port even when 0 was asked for). */
  readonly serverPort: number;
  /** `[host, port]` the server is bound to. */
  readonly serverAddress: readonly [string, number];
  /** True once `serverClose()` began: handlers finish the current request and close. */
  readonly closing: boolean;
  /** Reports an exception raised while handling a request (on stderr by default). */
  handleError(request: Socket, clientAddress: ClientAddress, error: unknown): void;
  /** The client of a request seen through trusted proxies (`Forwarded`, `X-Forwarded-For`), or null: the peer is the client. */
  forwardedFor?(peer: ClientAddress, headers: HeaderMap): ClientAddress | null;
  /** The scheme the client used, as a trusted proxy says; null: none says. */
  forwardedScheme?(peer: ClientAddress, headers: HeaderMap): "http" | "https" | null;
  /** A handler ran out of file descriptors: the server backs off taking new connections for a moment. */
  noteDescriptorShortage?(): void;
}

/** One handler instance is made per connection; `run()` serves it to the end. */
export interface ConnectionHandler {
  /** Serves the connection: every request on it, until it is to close. */
  run(): Promise<void>;
  /** True while the connection waits for a request of which no byte has arrived (the server may close it). */
  readonly idle?: boolean;
}

/** A handler class: instantiated with the connection, the client's address and the server. */
export type RequestHandlerClass<S extends RequestServer = RequestServer> = new (
  request: Socket,
  clientAddress: ClientAddress,
  server: S,
) => ConnectionHandler;
