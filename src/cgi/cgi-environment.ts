/**
 * The CGI/1.1 meta-variables (RFC 3875 section 4.1) for one request, built
 * the way CPython's `CGIHTTPRequestHandler.run_cgi()` builds them, plus the
 * request headers CPython leaves out (section 4.1.18). Pure: the caller
 * gathers the facts, this module only shapes them.
 */

/** What a header map must offer (HeaderMap does). */
export interface CgiHeaderSource {
  get(name: string): string | undefined;
  getAll(name: string): string[];
  entries(): Iterable<readonly [string, string]>;
}

/** The facts about a request that the CGI environment is made of. */
export interface CgiRequestFacts {
  /** The body's length when the request did not announce it (a chunked body read whole); else Content-Length is used. */
  readonly contentLength?: string;
  /** `Server` software words (CPython: `version_string()`). */
  readonly serverSoftware: string;
  /** The server's host name (`server.server_name`). */
  readonly serverName: string;
  /** The protocol the server speaks; CPython gives `protocol_version`, not the request's. */
  readonly serverProtocol: string;
  readonly serverPort: number;
  readonly requestMethod: string;
  /** The path after the script name, percent-decoded once. */
  readonly pathInfo: string;
  /** PATH_INFO mapped to a file under the served directory. */
  readonly pathTranslated: string;
  /** The URL path of the script (`/cgi-bin/x.py`). */
  readonly scriptName: string;
  /** The query, undecoded, without its `?`. */
  readonly queryString: string;
  readonly remoteAddr: string;
  /** `https` over TLS or behind a trusted proxy that says so: then `HTTPS=on` and `REQUEST_SCHEME=https`, as Apache sets them. */
  readonly scheme?: "http" | "https";
  readonly headers: CgiHeaderSource;
}

/**
 * Request headers that never become `HTTP_*` variables: those CPython
 * already maps itself, those RFC 3875 section 4.1.18 says to leave out
 * (credentials; Content-Length and Content-Type, which have their own
 * variables), Transfer-Encoding (the script reads the body already
 * de-chunked), and `Proxy`, whose HTTP_PROXY would be read by the script's
 * HTTP libraries as the proxy to use (httpoxy, CVE-2016-5385).
 */
const NOT_PASSED = new Set(["accept", "user-agent", "cookie", "referer", "authorization", "content-type", "content-length", "transfer-encoding", "proxy"]);

/** Header names that map to a variable unambiguously: `X_Foo` and `X-Foo` would both become HTTP_X_FOO, so (as Apache) only letters, digits and `-` pass. */
const PLAIN_NAME = /^[A-Za-z0-9-]+$/;

/**
 * A header value as the bytes the client sent: the engine decodes field
 * values as latin-1 (one char per byte), and Node encodes environment
 * strings as UTF-8, so a UTF-8 value would arrive double-encoded; when the
 * bytes are valid UTF-8 they are passed as sent. Other bytes keep CPython's
 * latin-1 reading.
 */
export function headerValueForEnv(value: string): string {
  if (!/[\x80-\xff]/.test(value)) return value;
  const bytes = Buffer.from(value, "latin1");
  const text = bytes.toString("utf8");
  return Buffer.byteLength(text, "utf8") === bytes.length && !text.includes("\ufffd") ? text : value;
}

/** `AUTH_TYPE` and `REMOTE_USER` from an Authorization header, as CPython reads them (Basic only for the user). */
export function authVariables(authorization: string | undefined): { AUTH_TYPE?: string; REMOTE_USER?: string } {
  if (!authorization) return {};
  // Python's str.split(): runs of whitespace, ends trimmed.
  const words = authorization.trim().split(/\s+/);
  if (words.length !== 2) return {};
  const [scheme, credentials] = words as [string, string];
  const out: { AUTH_TYPE?: string; REMOTE_USER?: string } = { AUTH_TYPE: scheme };
  if (scheme.toLowerCase() !== "basic") return out;
  // base64.decodebytes() then .decode('ascii'): non-ASCII on either side means no user.
  if (/[^\x00-\x7f]/.test(credentials)) return out;
  const decoded = Buffer.from(credentials.replace(/[^A-Za-z0-9+/=]/g, ""), "base64").toString("latin1");
  if (/[^\x00-\x7f]/.test(decoded)) return out;
  const userPass = decoded.split(":");
  if (userPass.length === 2) out.REMOTE_USER = userPass[0] as string;
  return out;
}

/**
 * The script's environment: the server's own environment (`base`, copied,
 * never modified) plus the CGI variables, which win over same-named ones.
 *
 * As CPython: SERVER_SOFTWARE, SERVER_NAME, GATEWAY_INTERFACE=CGI/1.1,
 * SERVER_PROTOCOL, SERVER_PORT, REQUEST_METHOD, PATH_INFO, PATH_TRANSLATED,
 * SCRIPT_NAME, QUERY_STRING, REMOTE_ADDR, AUTH_TYPE/REMOTE_USER, CONTENT_TYPE
 * (`text/plain` when absent, email.message's default), CONTENT_LENGTH,
 * HTTP_REFERER, HTTP_ACCEPT (every Accept joined by `,`), HTTP_USER_AGENT,
 * HTTP_COOKIE (joined by `, `). QUERY_STRING, REMOTE_HOST, CONTENT_LENGTH,
 * HTTP_USER_AGENT, HTTP_COOKIE and HTTP_REFERER are empty when the request
 * has none: CPython's stated intent ("provide empty values to override
 * previously set values"), which its `setdefault` misses, letting a value
 * from the server's environment pose as the client's.
 *
 * Beyond CPython, every other request header becomes `HTTP_<NAME>` (RFC 3875
 * section 4.1.18; repeated fields joined by `, `), except Authorization,
 * Content-Type, Content-Length, Transfer-Encoding and Proxy, and names with
 * characters other than letters, digits and `-`.
 */
export function buildCgiEnvironment(base: Readonly<Record<string, string | undefined>>, facts: CgiRequestFacts): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  const h = facts.headers;
  const cgi: Record<string, string> = {
    SERVER_SOFTWARE: facts.serverSoftware,
    SERVER_NAME: facts.serverName,
    GATEWAY_INTERFACE: "CGI/1.1",
    SERVER_PROTOCOL: facts.serverProtocol,
    SERVER_PORT: String(facts.serverPort),
    REQUEST_METHOD: facts.requestMethod,
    PATH_INFO: facts.pathInfo,
    PATH_TRANSLATED: facts.pathTranslated,
    SCRIPT_NAME: facts.scriptName,
    QUERY_STRING: facts.queryString,
    REMOTE_ADDR: facts.remoteAddr,
    REMOTE_HOST: "",
    ...(facts.scheme === "https" ? { HTTPS: "on", REQUEST_SCHEME: "https" } : {}),
    ...authVariables(h.get("authorization")),
    CONTENT_TYPE: headerValueForEnv(h.get("content-type") ?? "text/plain"),
    CONTENT_LENGTH: facts.contentLength ?? (h.get("content-length") || ""),
    HTTP_REFERER: headerValueForEnv(h.get("referer") || ""),
    HTTP_ACCEPT: headerValueForEnv(h.getAll("accept").join(",")),
    HTTP_USER_AGENT: headerValueForEnv(h.get("user-agent") || ""),
    HTTP_COOKIE: headerValueForEnv(h.getAll("cookie").filter((c) => c !== "").join(", ")),
  };
  // The other headers, grouped by name in order of first appearance.
  const others = new Map<string, string[]>();
  for (const [name, value] of h.entries()) {
    const lower = name.toLowerCase();
    if (NOT_PASSED.has(lower) || !PLAIN_NAME.test(name)) continue;
    const list = others.get(lower);
    if (list) list.push(value);
    else others.set(lower, [value]);
  }
  for (const [lower, values] of others) {
    cgi["HTTP_" + lower.toUpperCase().replace(/-/g, "_")] = headerValueForEnv(values.join(", "));
  }
  return Object.assign(env, cgi);
}
