/**
 * Lower-cased names looked up by code ("Connection", "If-Modified-Since"...):
 * remembered, so a lookup per request does not allocate a new string.
 * Bounded, as a subclass might look up names taken from requests.
 */
const LOWER = new Map<string, string>();

function lowerName(name: string): string {
  let l = LOWER.get(name);
  if (l === undefined) {
    l = name.toLowerCase();
    if (LOWER.size < 256) LOWER.set(name, l);
  }
  return l;
}

/**
 * The request headers: case-insensitive, in arrival order, repeated names kept,
 * values decoded as latin-1 (one char per byte) like CPython's `HTTPMessage`.
 */
export class HeaderMap implements Iterable<[name: string, value: string]> {
  readonly #names: string[] = [];
  readonly #lower: string[] = [];
  readonly #values: string[] = [];

  /** Builds a map from `[name, value]` pairs, keeping their order. */
  constructor(entries?: Iterable<readonly [string, string]>) {
    if (entries) for (const [name, value] of entries) this.append(name, value);
  }

  /** Adds a field after the existing ones (repeated names are kept). */
  append(name: string, value: string): void {
    this.#names.push(name);
    this.#lower.push(name.toLowerCase());
    this.#values.push(value);
  }

  /** Replaces every field of this name with one value. */
  set(name: string, value: string): void {
    this.delete(name);
    this.append(name, value);
  }

  /** Removes every field of this name; returns how many were removed. */
  delete(name: string): number {
    const key = name.toLowerCase();
    let removed = 0;
    for (let i = this.#lower.length - 1; i >= 0; i--) {
      if (this.#lower[i] === key) {
        this.#names.splice(i, 1);
        this.#lower.splice(i, 1);
        this.#values.splice(i, 1);
        removed++;
      }
    }
    return removed;
  }

  /** The first value of the field, or `fallback` (Python's `Message.get(name, failobj)`). */
  get(name: string): string | undefined;
  get<T>(name: string, fallback: T): string | T;
  get<T>(name: string, fallback?: T): string | T | undefined {
    const key = lowerName(name);
    const lower = this.#lower;
    for (let i = 0; i < lower.length; i++) if (lower[i] === key) return this.#values[i];
    return fallback;
  }

  /** Every value of the field in arrival order (Python's `Message.get_all`), empty when absent. */
  getAll(name: string): string[] {
    const key = lowerName(name);
    const out: string[] = [];
    for (let i = 0; i < this.#lower.length; i++) if (this.#lower[i] === key) out.push(this.#values[i] as string);
    return out;
  }

  /** True when at least one field has this name (Python's `name in headers`). */
  has(name: string): boolean {
    return this.#lower.includes(lowerName(name));
  }

  /** How many fields have this name. */
  count(name: string): number {
    const key = lowerName(name);
    let n = 0;
    for (const l of this.#lower) if (l === key) n++;
    return n;
  }

  /** Number of fields, repeated names counted each time (Python's `len(headers)`). */
  get size(): number {
    return this.#names.length;
  }

  /** Field names as received, repeats included (Python's `keys()`). */
  keys(): string[] {
    return this.#names.slice();
  }

  /** Field values in order (Python's `values()`). */
  values(): string[] {
    return this.#values.slice();
  }

  /** `[name, value]` pairs in order (Python's `items()`). */
  entries(): Array<[string, string]> {
    return this.#names.map((n, i) => [n, this.#values[i] as string]);
  }

  [Symbol.iterator](): Iterator<[string, string]> {
    return this.entries()[Symbol.iterator]();
  }

  /** The header block as it would be written, `Name: value\r\n` per field, ending with a blank line. */
  toString(): string {
    let s = "";
    for (let i = 0; i < this.#names.length; i++) s += `${this.#names[i]}: ${this.#values[i]}\r\n`;
    return s + "\r\n";
  }
}
