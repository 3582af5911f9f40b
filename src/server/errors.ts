/** A read or write on a connection waited longer than its timeout (CPython raises `TimeoutError`). */
export class ConnectionTimeoutError extends Error {
  override readonly name = "ConnectionTimeoutError";
  readonly code = "ERR_CONNECTION_TIMEOUT";
  constructor(message = "timed out") {
    super(message);
  }
}

/** The peer went away while the handler was reading or writing. */
export class ConnectionClosedError extends Error {
  override readonly name = "ConnectionClosedError";
  readonly code = "ERR_CONNECTION_CLOSED";
  constructor(message = "connection closed by peer") {
    super(message);
  }
}

/** `rfile.readAll()` found more body than the limit it was given. */
export class BodyTooLargeError extends Error {
  override readonly name = "BodyTooLargeError";
  readonly code = "ERR_BODY_TOO_LARGE";
  readonly status = 413;
  constructor(readonly limit: number) {
    super(`request body larger than ${limit} bytes`);
  }
}

/** The peer closed or reset the connection: the error says nothing about the server. */
export function isClientGone(err: unknown): boolean {
  if (err instanceof ConnectionClosedError) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return code === "ECONNRESET" || code === "EPIPE" || code === "ERR_STREAM_PREMATURE_CLOSE";
}
