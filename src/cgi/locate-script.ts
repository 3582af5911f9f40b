/** Where a CGI request's script is, in URL terms. */
export interface CgiScriptLocation {
  /** The deepest existing directory under the CGI directory that the path goes through (`/cgi-bin/child-dir`). */
  readonly dir: string;
  /** The script's file name (empty for a request that names the directory itself). */
  readonly script: string;
  /** `dir + "/" + script`: SCRIPT_NAME. */
  readonly scriptName: string;
  /** What follows the script name, starting with `/` (PATH_INFO), or ''. */
  readonly pathInfo: string;
}

/**
 * Splits a CGI path into script and PATH_INFO as CPython's `run_cgi()` does:
 * starting from the CGI directory `dir`, descend while the next segment is an
 * existing directory (nested script directories, bpo-21323); the segment
 * after that is the script, the rest PATH_INFO. `rest` is the decoded,
 * collapsed path after `dir + "/"`, without the query.
 */
export function locateCgiScript(dir: string, rest: string, isDirectory: (urlPath: string) => boolean): CgiScriptLocation {
  const path = dir + "/" + rest;
  let i = path.indexOf("/", dir.length + 1);
  while (i >= 0) {
    const nextdir = path.slice(0, i);
    if (!isDirectory(nextdir)) break;
    dir = nextdir;
    rest = path.slice(i + 1);
    i = path.indexOf("/", dir.length + 1);
  }
  const slash = rest.indexOf("/");
  const script = slash >= 0 ? rest.slice(0, slash) : rest;
  const pathInfo = slash >= 0 ? rest.slice(slash) : "";
  return { dir, script, scriptName: dir + "/" + script, pathInfo };
}
