import type { Socket } from "node:net";
import type { Stats } from "node:fs";
import { BaseHTTPRequestHandler } from "./base-handler.js";
import { BASE_VERSION } from "./handler-attributes.js";
import type { ClientAddress, RequestServer } from "../server/request-server.js";
import type { HeaderMap } from "../wire/header-map.js";
import { absoluteFormTarget } from "../wire/request-line.js";
import { SETTLED, type ResponseWriter } from "../server/response-writer.js";
import { BufferSource, CLOSED, FileSource, type BodySource } from "../files/body-source.js";
import { encodingOffers, planContent, type EncodingOffer } from "../files/content-plan.js";
import { defaultEncodedCache, type EncodedCache } from "../files/encoded-cache.js";
import type { ByteRange } from "../files/byte-ranges.js";
import { readRangesNow, SMALL_RANGES } from "../files/range-source.js";
import { takeBuffer } from "../files/spare-buffers.js";
import { planFileResponse, type FilePlan, type SiteRules } from "../files/file-plan.js";
import { confinedPath, readNotFoundPage } from "../files/site-files.js";
import { defaultFileCache, type FileCache } from "../files/file-cache.js";
import { fsEncode } from "../files/fs-encoding.js";
import { DEFAULT_EXTENSIONS_MAP, guessType, isCompressible } from "../files/guess-type.js";
import { defaultListingCache, type ListingCache } from "../files/listing-cache.js";
import { statNow } from "../files/stat-now.js";
import { defaultStatCache, type StatCache } from "../files/stat-cache.js";
import { translatePath } from "../files/translate-path.js";
import { emitContent, sendEntityHeaders } from "./content-response.js";
import { answerPreflight, sendCorsHeaders } from "./cors.js";
import { sendListing } from "./listing-response.js";

/** Options of a SimpleHTTPRequestHandler (CPython's keyword arguments). */
export interface SimpleHandlerOptions {
  /** The directory served (default: the current directory). */
  readonly directory?: string;
  /** Headers added to 200 file and listing responses (CPython 3.15's `extra_response_headers`). */
  readonly extraResponseHeaders?: ReadonlyArray<readonly [string, string]>;
}

const rangeBytes = (ranges: readonly ByteRange[]): number => ranges.reduce((n, r) => n + r.end - r.start + 1, 0);

const NO_OFFERS: readonly EncodingOffer<Stats>[] = [];
/** When the last out-of-descriptors line was logged (one a second at most, process-wide). */
let lastDescriptorWarning = 0;
/** Whether Accept-Encoding may accept a coding: only then are sidecars looked for (a stat each). */
function acceptsSomeCoding(headers: HeaderMap): boolean {
  const ae = headers.get("Accept-Encoding");
  return ae !== undefined && ((ae !== "" && ae !== "identity") || headers.count("Accept-Encoding") > 1);
}

/** Bytes read from disk per chunk when copying a file to the client. */
const COPY_CHUNK = 1024 * 1024;

/**
 * CPython's `SimpleHTTPRequestHandler`: serves files under `directory` for
 * GET and HEAD, with index pages, directory listings, `Last-Modified` and
 * `If-Modified-Since`. Every step (`translatePath`, `sendHead`,
 * `listDirectory`, `copyfile`, `guessType`) can be overridden.
 */
export class SimpleHTTPRequestHandler extends BaseHTTPRequestHandler {
  /** The directory served (absolute or relative to the process's working directory). */
  directory: string;
  /** Headers added to 200 file and listing responses. */
  extraResponseHeaders: ReadonlyArray<readonly [string, string]>;
  /** File names served in place of a listing. */
  declare indexPages: readonly string[];
  /** Suffix -> media type overrides, consulted before mime-db (lower-case keys match any case). */
  declare extensionsMap: Readonly<Record<string, string>>;
  /** Small files' contents, validated by stat on every request; null reads every file from disk. */
  declare fileCache: FileCache | null;
  /** Served paths' `stat` results, dropped when the file system reports a change; null: a `stat` per request. */
  declare statCache: StatCache | null;
  /** Rendered listings, valid while the directory is unchanged; null renders every time. */
  declare listingCache: ListingCache | null;
  /** Small files' brotli and gzip copies, validated like `fileCache`; null compresses every time. */
  declare encodedCache: EncodedCache | null;
  /**
   * Sends compressible files brotli- or gzip-encoded to clients that accept it
   * (sidecars `file.br` / `file.gz` first, else compressed on the fly), with
   * `Vary: Accept-Encoding`. A client without Accept-Encoding always gets the
   * file as it is. Default true; the command line's `--no-compress` sets false.
   */
  declare compress: boolean;
  /** Lets pages on any origin read responses (`Access-Control-Allow-Origin: *`) and answers preflights. Default false. */
  declare cors: boolean;
  /** `"python"`: CPython's listing page (default); `"rich"`: sizes, dates, sorting, breadcrumbs, JSON (the command line's). */
  declare listingStyle: "python" | "rich";
  /** Directories without an index page are listed (default); false: 404 (`--no-listing`). */
  declare directoryListing: boolean;
  /** `"allow"`: names starting with a dot are served and listed, as CPython (default); `"deny"`: 404 and left out of listings, `.well-known` excepted (the command line's). */
  declare dotfiles: "allow" | "deny";
  /** Symbolic links lead anywhere, as CPython (default); false: what lies outside `directory` once links are resolved answers 404, and the real path is what is opened. */
  declare followLinks: boolean;
  /** A file under `directory` served with 200 for a missing path without an extension: a single-page app's routes (`--spa`: `index.html`); null: none. */
  declare fallback: string | null;
  /** A file under `directory` whose content is the body of 404 replies, status kept (the command line's `404.html`); null: CPython's error page. */
  declare notFoundPage: string | null;

  constructor(request: Socket, clientAddress: ClientAddress, server: RequestServer, options: SimpleHandlerOptions = {}) {
    super(request, clientAddress, server);
    this.directory = options.directory ?? process.cwd();
    this.extraResponseHeaders = options.extraResponseHeaders ?? [];
  }

  /**
   * A subclass with these options bound, for servers that construct handlers
   * with three arguments (CPython's `functools.partial(Handler, directory=...)`).
   * Every connection gets the same frozen copy of `options`.
   */
  static withOptions<T extends typeof SimpleHTTPRequestHandler>(this: T, options: SimpleHandlerOptions): T {
    const Base = this as typeof SimpleHTTPRequestHandler;
    // One frozen copy shared by every connection: a constructor cannot change it for the next one.
    const bound: SimpleHandlerOptions = Object.freeze({ ...options });
    const Bound = class extends Base {
      constructor(request: Socket, clientAddress: ClientAddress, server: RequestServer, more?: SimpleHandlerOptions) {
        // One handler per connection: no options object is built unless there are more options.
        super(request, clientAddress, server, more === undefined ? bound : { ...bound, ...more });
      }
    };
    Object.defineProperty(Bound, "name", { value: this.name });
    return Bound as unknown as T;
  }

  /** Serves a GET request: headers, then the body. */
  async do_GET(): Promise<void> {
    const source = await this.sendHead();
    if (source) {
      // A body already in memory is written and closed without waiting: no await (and microtask) for either.
      try {
        const copied = this.copyfile(source, this.wfile);
        if (copied !== SETTLED) await copied;
      } finally {
        const closed = source.close();
        if (closed !== CLOSED) await closed;
      }
    }
  }

  /** Serves a HEAD request: exactly the headers GET would send. */
  async do_HEAD(): Promise<void> {
    const source = await this.sendHead();
    if (source) await source.close();
  }

  /**
   * Sends the status and headers for the request and returns the body to
   * copy, or null when the reply is complete (redirect, 304, 412, 416, error).
   * The decision is planned first (files/file-plan.ts, then for a file
   * files/content-plan.ts), then emitted here.
   */
  sendHead(): Promise<BodySource | null> {
    const cache = this.statCache;
    // A kept stat is trusted once the file-system events that came with this request are in (see stat-cache.ts).
    if (cache !== null) return cache.settled().then(() => this.#planHead(cache.stat));
    return this.#planHead(statNow);
  }

  #planHead(stat: (path: string) => Stats | null): Promise<BodySource | null> {
    // Not an async function on the hot path: a file's head is sent by #sendFile's own promise.
    let plan;
    try {
      const site = this.dotfiles === "allow" && this.followLinks && this.fallback === null ? undefined : this.#siteRules();
      // An absolute-form target (its request line's target does not start with "/") redirects with its scheme and host, as CPython's.
      const target = this.requestline.charCodeAt((this.command ?? "").length + 1) === 0x2f ? this.path : (absoluteFormTarget(this.requestline) ?? this.path);
      // One shape of request whether or not there are site rules (no spread per request).
      plan = planFileResponse({ target, path: this.translatePath(this.path), indexPages: this.indexPages, stat, site });
    } catch (err) {
      return Promise.reject(err);
    }
    if (plan.kind === "file") return this.#sendFile(plan.path, plan.stat, stat);
    return this.#sendOther(plan);
  }

  /** The rules `dotfiles`, `followLinks` and `fallback` make for the plan (made once per connection while they stay the same). */
  #siteRules(): SiteRules {
    const root = this.directory;
    const hideDotfiles = this.dotfiles === "deny";
    const site = this.#site;
    if (site && site.root === root && site.hideDotfiles === hideDotfiles && site.fallback === this.fallback && (site.confine === undefined) === this.followLinks) {
      return site;
    }
    this.#site = { root, hideDotfiles, fallback: this.fallback, ...(this.followLinks ? {} : { confine: (path: string) => confinedPath(root, path) }) };
    return this.#site;
  }
  #site: SiteRules | null = null;

  /** The plans that send no file: a redirect, a listing, a 404. */
  async #sendOther(plan: Exclude<FilePlan, { kind: "file" }>): Promise<BodySource | null> {
    switch (plan.kind) {
      case "redirect":
        this.sendResponse(301);
        this.sendHeader("Location", plan.location);
        this.sendHeader("Content-Length", "0");
        this.sendExtraResponseHeaders();
        await this.endHeaders();
        return null;
      case "listing":
        if (!this.directoryListing) {
          await this.sendError(404, "File not found");
          return null;
        }
        return await this.listDirectory(plan.path);
      case "not-found":
        await this.sendError(404, "File not found");
        return null;
    }
  }

  /**
   * Plans what of a regular file to send (preconditions, encoding, ranges),
   * opens it (as CPython does before its 304 check: 404 if it cannot be read)
   * and sends the head: the whole file as it is here, anything else through
   * emitContent (content-response.ts).
   */
  async #sendFile(path: string, st: Stats, stat: (path: string) => Stats | null): Promise<BodySource | null> {
    const ctype = this.guessType(path); // asked first, as CPython's send_head does
    const vary = this.compress && isCompressible(ctype);
    const offers = vary ? encodingOffers(path, st, acceptsSomeCoding(this.headers), stat) : NO_OFFERS;
    const plan = planContent(this.command ?? "GET", this.headers, st, offers, vary);
    const fsPath = fsEncode(path);
    const cached = this.fileCache?.get(fsPath, st) ?? null;
    let file: FileSource | null = null;
    let slices: Buffer[] | null = null;
    try {
      if (cached === null && plan.ranges !== null && rangeBytes(plan.ranges) <= SMALL_RANGES) {
        slices = readRangesNow(fsPath, plan.ranges, this.readQueue ? takeBuffer : undefined);
        if (slices === null) {
          await this.sendError(404, "File not found");
          return null;
        }
      } else if (cached === null) {
        file = await FileSource.open(fsPath, st.size, this.readQueue);
      }
    } catch (err) {
      await this.#cannotOpen(err, "File not found");
      return null;
    }
    if (plan.kind !== "whole" || plan.offer !== null) {
      try {
        return await emitContent(this, plan, { ctype, st, fsPath, cached, file, slices });
      } catch (err) {
        await file?.close();
        throw err;
      }
    }
    // The whole file as it is: most requests.
    const source = cached ? new BufferSource(cached) : (file as FileSource);
    try {
      this.sendResponse(200);
      sendEntityHeaders(this, ctype, st.size, plan, st);
      const sent = this.endHeaders();
      if (sent !== SETTLED) await sent;
      return source;
    } catch (err) {
      await source.close();
      throw err;
    }
  }

  /**
   * Sends `extraResponseHeaders` (CPython 3.15 sends them on 200 only; here
   * every response carries them, errors included) and, with `cors`,
   * `Access-Control-Allow-Origin: *`.
   */
  sendExtraResponseHeaders(): void {
    for (const [name, value] of this.extraResponseHeaders) this.sendHeader(name, value);
    if (this.cors) sendCorsHeaders(this);
  }

  /** A 404 whose body is `notFoundPage` when that file exists (status, headers and logging as any error reply). */
  override sendError(code: number, message?: string, explain?: string): Promise<void> {
    const page = code === 404 && this.notFoundPage !== null ? readNotFoundPage(this.directory, this.notFoundPage, this.followLinks) : null;
    if (page === null) return super.sendError(code, message, explain);
    const sent = this.#sendPage(code, message ?? "File not found", page);
    sent.catch(() => {}); // as super.sendError: a forgotten await must not end the process
    return sent;
  }

  async #sendPage(code: number, message: string, page: Buffer): Promise<void> {
    this.logError("code %d, message %s", code, message);
    this.sendResponse(code, message);
    this.sendHeader("Connection", "close");
    this.sendErrorHeaders(code);
    this.sendHeader("Content-Type", "text/html; charset=utf-8");
    this.sendHeader("Content-Length", String(page.length));
    await this.endHeaders();
    if (this.command !== "HEAD") await this.wfile.write(page);
  }

  /** Error replies carry the extra headers and CORS too (a 404 without them is a CORS error in a browser). */
  override sendErrorHeaders(code: number): void {
    // Out of descriptors is momentary: say when to try again (RFC 9110 10.2.3).
    if (code === 503) this.sendHeader("Retry-After", "1");
    this.sendExtraResponseHeaders();
  }

  /**
   * A file or directory that could not be opened: 404 (CPython), unless the
   * process is out of file descriptors (EMFILE, ENFILE): then 503 with
   * Retry-After, not a 404 a cache would keep for a file that exists, and one
   * log line a second at most.
   */
  async #cannotOpen(err: unknown, notFound: string): Promise<void> {
    const code = (err as { code?: unknown } | null)?.code;
    if (code !== "EMFILE" && code !== "ENFILE") {
      await this.sendError(404, notFound);
      return;
    }
    this.server.noteDescriptorShortage?.();
    const now = Date.now();
    if (now - lastDescriptorWarning >= 1000) {
      lastDescriptorWarning = now;
      this.logError("out of file descriptors (%s): answering 503 until some are free", String(code));
    }
    await this.sendError(503, "Too many open files");
  }

  /**
   * With `cors`, answers a CORS preflight (or any OPTIONS) with 204 and the
   * `Access-Control-Allow-*` headers; without it, CPython's 501.
   */
  async do_OPTIONS(): Promise<void> {
    if (!this.cors) {
      await this.sendError(501, "Unsupported method ('OPTIONS')");
      return;
    }
    await answerPreflight(this);
  }

  /**
   * Sends a directory listing's headers and returns its body (see
   * listing-response.ts: `listingStyle`, `dotfiles`); 404 `No permission to
   * list directory` when the directory cannot be read.
   */
  async listDirectory(path: string): Promise<BodySource | null> {
    try {
      return await sendListing(this, path);
    } catch (err) {
      await this.#cannotOpen(err, "No permission to list directory");
      return null;
    }
  }

  /** Maps the request path to a file name under `directory` (see translate-path.ts). */
  translatePath(path: string): string {
    return translatePath(path, this.directory);
  }

  /**
   * What lets a FileSource read into its buffers again (see FileSource.open):
   * `wfile.queuedBytes`, while `copyfile` is this class's, which writes every
   * chunk whole and keeps none; undefined under an override, which might.
   */
  get readQueue(): (() => number) | undefined {
    return this.copyfile === proto.copyfile ? () => this.wfile.queuedBytes : undefined;
  }

  /** Copies `source` to `outputfile` in large chunks, waiting whenever the client is slower than the disk. */
  copyfile(source: BodySource, outputfile: ResponseWriter): Promise<void> {
    // Exactly a BufferSource (a subclass may override read()): already in memory
    // (cached file, listing), so one write, no read round trips, and the writer's
    // own promise (SETTLED once the socket took it all) rather than an async frame's.
    if (source instanceof BufferSource && source.constructor === BufferSource) {
      return outputfile.write(source.readNow(Number.MAX_SAFE_INTEGER));
    }
    return this.#copyChunks(source, outputfile);
  }

  async #copyChunks(source: BodySource, outputfile: ResponseWriter): Promise<void> {
    for (;;) {
      const chunk = await source.read(COPY_CHUNK);
      if (chunk.length === 0) return;
      await outputfile.write(chunk);
    }
  }

  /** The media type for a file name: `extensionsMap`, then mime-db, then `application/octet-stream`. */
  guessType(path: string): string {
    return guessType(path, this.extensionsMap);
  }
}

const proto = SimpleHTTPRequestHandler.prototype;
proto.serverVersion = "SimpleHTTP/" + BASE_VERSION;
proto.indexPages = ["index.html", "index.htm"];
proto.extensionsMap = DEFAULT_EXTENSIONS_MAP;
proto.fileCache = defaultFileCache;
proto.statCache = defaultStatCache;
proto.listingCache = defaultListingCache;
proto.encodedCache = defaultEncodedCache;
proto.compress = true;
proto.cors = false;
proto.listingStyle = "python";
proto.directoryListing = true;
proto.dotfiles = "allow";
proto.followLinks = true;
proto.fallback = null;
proto.notFoundPage = null;
// A file server answers in one write per response; no reason to let Nagle hold
// the last segment of a larger one back (CPython leaves this False).
proto.disableNagleAlgorithm = true;
