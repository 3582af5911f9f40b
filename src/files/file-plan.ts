import { splitTarget } from "./split-target.js";
import { joinPath } from "./translate-path.js";

/** What the planner needs of a `stat` result (node:fs `Stats` has it all). */
export interface StatLike {
  isFile(): boolean;
  isDirectory(): boolean;
  readonly mtimeMs: number;
}

/**
 * What a GET or HEAD on a served path gets, decided before any byte is sent
 * or any file opened (CPython's `send_head`, planned as Go's `serveFile` is).
 */
export type FilePlan<S extends StatLike = StatLike> =
  /** A directory asked for without its trailing slash: 301 to `location` (query and fragment kept). */
  | { readonly kind: "redirect"; readonly location: string }
  /** A directory without an index page: its listing. */
  | { readonly kind: "listing"; readonly path: string }
  /** Nothing to serve there (missing, not a regular file, a file asked for with a trailing slash): 404. */
  | { readonly kind: "not-found" }
  /** A regular file to send (what of it, and how, is content-plan.ts's decision); `fallback` when it stands in for a missing page (`--spa`). */
  | { readonly kind: "file"; readonly path: string; readonly stat: S; readonly fallback?: true };

/** The facts of one request that decide its plan. */
export interface FileRequest<S extends StatLike> {
  /** The request target (CPython's `self.path`). */
  readonly target: string;
  /** The file name it maps to (`translatePath(target)`). */
  readonly path: string;
  /** Names served in place of a directory's listing, in order. */
  readonly indexPages: readonly string[];
  /** The file system: a path's stat, or null when nothing usable is there. */
  readonly stat: (path: string) => S | null;
  /** Beyond CPython, for the command line: what is shared, and what stands in for a missing page. */
  readonly site?: SiteRules | undefined;
}

/** The command line's rules for a shared folder (the library's default is none of them). */
export interface SiteRules {
  /** The served directory, as `path` starts with it. */
  readonly root: string;
  /** Names starting with a dot (but `.well-known`) are not served: 404, as if absent. */
  readonly hideDotfiles: boolean;
  /**
   * The real path of a file or directory when it lies inside the served
   * folder (symbolic links resolved), null when it lies outside; the plan
   * then names the real path, so what is opened is what was checked. Absent:
   * links are followed anywhere, as CPython does.
   */
  readonly confine?: (path: string) => string | null;
  /** A file under `root` (`index.html`) served with 200 for a missing path without an extension (a single-page app's routes). */
  readonly fallback: string | null;
}

/** True when a path under the root has a segment starting with a dot, other than `.well-known` (RFC 8615). */
export function isDotPath(relative: string): boolean {
  if (!relative.startsWith(".") && !relative.includes("/.")) return false; // most paths: no segment starts with a dot
  for (const seg of relative.split("/")) if (seg.startsWith(".") && seg !== ".well-known") return true;
  return false;
}

/** True when the last segment of a URL path has an extension (`app.js`): a missing asset, not a route. */
export function hasExtension(urlPath: string): boolean {
  const last = urlPath.slice(urlPath.lastIndexOf("/") + 1);
  return last.lastIndexOf(".") > 0;
}

const NOT_FOUND = Object.freeze({ kind: "not-found" as const });
/**
 * A path that ends with a slash, percent-encoded or not: CPython 3.14 (and
 * 3.13.4+) treat `/dir%2f` as `/dir/` (a listing, no redirect) and `/file%2f`
 * as a file asked for with a trailing slash (404): gh-134098. CPython 3.13.0
 * and 3.11 redirected the first and served the second.
 */
const SLASH_END = /(\/|%2f|%2F)$/;

/**
 * Plans the response to a GET or HEAD for a served path, as CPython's
 * `send_head` decides it: a directory without its trailing slash is
 * redirected; a directory's first existing index page is served in its place,
 * else its listing; a regular file is served (conditional requests, ranges
 * and encodings are planned next, by planContent); a file asked for with a
 * trailing slash (CPython issue 17324) or anything that is not a regular file
 * (a FIFO would block the reader) is not found. Pure: the file system comes
 * in as `stat`. With `site` (the command line's rules): dotfiles hidden,
 * symbolic links confined to the served folder, a fallback page for routes.
 */
export function planFileResponse<S extends StatLike>(request: FileRequest<S>): FilePlan<S> {
  const site = request.site;
  if (site === undefined) return planPath(request);
  // Most paths hold no "/." at all: tested in place, without slicing the path.
  const from = site.root.length;
  const dotted = request.path.charCodeAt(from) === 0x2e || request.path.includes("/.", from);
  if (site.hideDotfiles && dotted && isDotPath(request.path.slice(from))) return NOT_FOUND;
  let plan = confined(planPath(request), site);
  if (plan.kind === "not-found" && site.fallback !== null && !hasExtension(splitTarget(request.target).path)) {
    const path = joinPath(site.root, site.fallback);
    const st = request.stat(path);
    if (st?.isFile()) plan = confined({ kind: "file", path, stat: st, fallback: true }, site);
  }
  return plan;
}

/** The plan with its path made real, or not-found when that lies outside the served folder. */
function confined<S extends StatLike>(plan: FilePlan<S>, site: SiteRules): FilePlan<S> {
  if (site.confine === undefined || (plan.kind !== "file" && plan.kind !== "listing")) return plan;
  const real = site.confine(plan.path);
  if (real === null) return NOT_FOUND;
  return real === plan.path ? plan : { ...plan, path: real };
}

function planPath<S extends StatLike>(request: FileRequest<S>): FilePlan<S> {
  let path = request.path;
  let st = request.stat(path);
  if (st?.isDirectory()) {
    const parts = splitTarget(request.target);
    if (!SLASH_END.test(parts.path)) {
      // Redirect to the slashed URL, query kept (what Apache does). The target never
      // starts with "//", so Location cannot point at another host (gh-87389).
      let location = parts.path + "/";
      if (parts.query) location += "?" + parts.query;
      if (parts.fragment) location += "#" + parts.fragment;
      // Browsers' URL parsers read a backslash as a slash: a Location of `/<backslash>evil.com/../`
      // would resolve to http://evil.com/. Percent-encoded, it stays a path on this site.
      return { kind: "redirect", location: location.includes("\\") ? location.replaceAll("\\", "%5C") : location };
    }
    let index: S | null = null;
    for (const name of request.indexPages) {
      const candidate = joinPath(path, name);
      const s = request.stat(candidate);
      if (s?.isFile()) {
        path = candidate;
        index = s;
        break;
      }
    }
    if (index === null) return { kind: "listing", path };
    st = index;
  }
  if (path.endsWith("/") || st === null || !st.isFile()) return NOT_FOUND;
  return { kind: "file", path, stat: st };
}
