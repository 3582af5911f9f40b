/** A request target's parts, as `urllib.parse.urlsplit` gives them for an origin-form target. */
export interface TargetParts {
  readonly path: string;
  readonly query: string;
  readonly fragment: string;
}

/** Splits a request target at its first `#` (fragment), then at the first `?` before it (query). */
export function splitTarget(target: string): TargetParts {
  let rest = target;
  let fragment = "";
  const hash = rest.indexOf("#");
  if (hash >= 0) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  let query = "";
  const q = rest.indexOf("?");
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  return { path: rest, query, fragment };
}
