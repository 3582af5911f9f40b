/** `HTTP/1.1` as a version number: the first version whose connections persist by default. */
export const HTTP_1_1 = 1001;

/**
 * A protocol version as one comparable number, `major * 1000 + minor` (minor
 * capped at 999): `HTTP/1.1` is 1001, `HTTP/1.0` 1000; 0 for anything that
 * is not `HTTP/x.y`. CPython compares the strings; numbers compare `HTTP/1.10` right.
 */
export function versionNumber(version: string): number {
  // Called several times per request; almost always one of these two.
  if (version === "HTTP/1.1") return 1001;
  if (version === "HTTP/1.0") return 1000;
  const m = /^HTTP\/(\d+)\.(\d+)$/.exec(version);
  return m ? Number(m[1]) * 1000 + Math.min(Number(m[2]), 999) : 0;
}
