import type { Stats } from "node:fs";
import { brotliCompress, constants, gzip } from "node:zlib";
import { evict, type Recency } from "./evict.js";
import { sameVersion, versionOf, type FileVersion } from "./file-version.js";

/** What an encoded copy was made from; a `stat` that differs in any of these makes it stale. */
interface Entry extends Recency {
  readonly data: Buffer;
  readonly version: FileVersion;
}

const entrySize = (e: Entry): number => e.data.length;

/**
 * Brotli quality 5: within 2 % of quality 9 on JavaScript at a seventh of the
 * time (100 KiB in about 1 ms on a 2020s core); quality 11 is 100 times slower.
 * Precompressed sidecars are the place for quality 11.
 */
export const BROTLI_QUALITY = 5;
/** zlib's default level: level 9 gains under 1 % on text at twice the time. */
export const GZIP_LEVEL = 6;

/** Compresses `data` with `coding` (`br` or `gzip`) on libuv's thread pool. */
export function compressBuffer(data: Buffer, coding: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, out: Buffer): void => (err ? reject(err) : resolve(out));
    if (coding === "br") {
      brotliCompress(data, { params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } }, done);
    } else if (coding === "gzip") gzip(data, { level: GZIP_LEVEL }, done);
    else reject(new RangeError(`unknown content coding ${JSON.stringify(coding)}`));
  });
}

/**
 * A bounded LRU cache of small files' encoded copies (brotli, gzip), so that a
 * hot file is compressed once, not per request. Each copy is validated on use
 * against the request's `stat` (`sameVersion`), as FileCache does;
 * concurrent requests for a copy being made share one compression.
 */
export class EncodedCache {
  readonly maxBytes: number;
  readonly #entries = new Map<string, Entry>();
  readonly #pending = new Map<string, Promise<Buffer>>();
  /** The version of each key asked for last: a slower compression of an older version is not kept. */
  readonly #latest = new Map<string, string>();
  #generation = 0;
  #bytes = 0;

  constructor(maxBytes = 32 * 1024 * 1024) {
    this.maxBytes = maxBytes;
  }

  /** Bytes held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** The `coding` copy of the file `key` if one is held for `st` (the hot path: no promise). */
  get(key: string, coding: string, st: Stats): Buffer | null {
    const k = key + "\0" + coding;
    const hit = this.#entries.get(k);
    if (hit === undefined || !sameVersion(hit.version, st)) return null;
    hit.used = true; // for evict(): no Map change per hit
    return hit.data;
  }

  /** The `coding` copy of the file `key` whose identity bytes are `data` and stat `st`; made (and kept) when absent or stale. */
  encode(key: string, coding: string, st: Stats, data: Buffer): Promise<Buffer> {
    const k = key + "\0" + coding;
    const hit = this.#entries.get(k);
    if (hit && sameVersion(hit.version, st)) {
      hit.used = true;
      return Promise.resolve(hit.data);
    }
    const stamp = `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
    const pendingKey = k + "\0" + stamp;
    const pending = this.#pending.get(pendingKey);
    if (pending) return pending;
    this.#latest.set(k, stamp);
    const generation = this.#generation;
    const made = compressBuffer(data, coding).then(
      (out) => {
        this.#pending.delete(pendingKey);
        // Stale by the time it is done (a newer version asked for, or the cache cleared): serve, do not keep.
        if (generation !== this.#generation || this.#latest.get(k) !== stamp) return out;
        this.#latest.delete(k);
        const old = this.#entries.get(k);
        if (old) {
          this.#entries.delete(k);
          this.#bytes -= old.data.length;
        }
        this.#entries.set(k, { data: out, version: versionOf(st), used: false });
        this.#bytes = evict(this.#entries, this.#bytes + out.length, entrySize, { maxBytes: this.maxBytes }, k);
        return out;
      },
      (err: unknown) => {
        this.#pending.delete(pendingKey);
        if (this.#latest.get(k) === stamp) this.#latest.delete(k);
        throw err;
      },
    );
    this.#pending.set(pendingKey, made);
    return made;
  }

  /** Forgets everything. */
  clear(): void {
    this.#entries.clear();
    this.#latest.clear();
    this.#generation++;
    this.#bytes = 0;
  }
}

/** The cache SimpleHTTPRequestHandler uses unless its `encodedCache` is replaced (null compresses every time). */
export const defaultEncodedCache = new EncodedCache();
