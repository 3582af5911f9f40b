/**
 * Byte ranges and CORS in a real browser: headless Chromium plays and seeks a
 * short WebM served by the command (its own Range requests answered 206), and
 * a page on one origin fetches from a second instance, which it can read only
 * when that one runs with --cors. In CI (CI=true) a missing chromium is a
 * failure; on a developer machine without it the tests are skipped.
 * Debian package: chromium.
 *
 * Fixture tests/fixtures/clip.webm: 3 s, 160x120, 10 fps, VP8, a keyframe on
 * every frame, no audio, made once with
 *   ffmpeg -f lavfi -i testsrc=duration=3:size=160x120:rate=10 -c:v libvpx -b:v 100k -g 1 -an \
 *     -map_metadata -1 -fflags +bitexact -flags:v +bitexact clip.webm
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startCli, waitFor, type RunningCli } from "../cli/helpers.js";
import { chromiumSkip, runChromium } from "../helpers/chromium.js";

const skip = chromiumSkip;

/**
 * The repository root: the first directory above this file holding
 * simplehttp's package.json (build-test/tests/handlers/ in the real run), else
 * the working directory (a build elsewhere, run from the repository).
 */
function findRoot(): string {
  const isRoot = (dir: string): boolean => {
    try {
      return (JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: unknown }).name === "simplehttp";
    } catch {
      return false;
    }
  };
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; ) {
    if (isRoot(dir)) return dir;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  if (isRoot(process.cwd())) return process.cwd();
  throw new Error("cannot find the simplehttp repository root above this test or in the working directory");
}

/**
 * A fresh temporary directory, mode 0755 (as ../helpers/file-server.ts makes
 * them; not imported from there, since it loads src/, whose dependencies
 * resolve only from inside the repository and this test may be compiled elsewhere).
 */
function tempDir(prefix = "simplehttp-test-"): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

const ROOT = findRoot();
const CLIP = path.join(ROOT, "tests", "fixtures", "clip.webm");
/** The command in this repository (the helpers' default is relative to where the tests were compiled). */
const spawnOptions = { command: [process.execPath, path.join(ROOT, "dist", "cli.js")] as const, cwd: ROOT };

function serve(args: readonly string[]): Promise<RunningCli> {
  return startCli(args, spawnOptions);
}

/** Loads `url` in headless Chromium with a fresh profile and returns the DOM it dumped. */
function dumpDom(url: string): Promise<string> {
  return runChromium(["--autoplay-policy=no-user-gesture-required", "--virtual-time-budget=10000", "--dump-dom", url], 30_000);
}

/** The text of `<pre id="ID">` in a dumped DOM. */
function preText(dom: string, id: string): string | undefined {
  return new RegExp(`<pre id="${id}">([^<]*)</pre>`).exec(dom)?.[1];
}

/** Every `"METHOD /path HTTP/1.1" CODE` line of a server log, as `METHOD /path CODE`. */
function requests(log: string): string[] {
  return [...log.matchAll(/"(\w+) (\S+) HTTP\/1\.1" (\d{3}) /g)].map((m) => `${m[1]} ${m[2]} ${m[3]}`);
}

const MEDIA_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>pending</title></head>
<body>
<video id="v" muted playsinline preload="auto" src="clip.webm"></video>
<pre id="range"></pre>
<script>
const v = document.getElementById("v");
v.addEventListener("error", () => {
  document.title = "error " + (v.error ? v.error.code + " " + v.error.message : "?");
});
async function probeRange() {
  // A mid-file range of the same file, from a script (same origin).
  try {
    const r = await fetch("clip.webm", { headers: { Range: "bytes=100-199" }, cache: "no-store" });
    const bytes = new Uint8Array(await r.arrayBuffer());
    const hex = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
    return r.status + " " + bytes.length + " " + r.headers.get("Content-Range") + " " + hex;
  } catch (e) {
    return "failed " + e.name;
  }
}
v.addEventListener("loadedmetadata", () => {
  v.addEventListener("seeked", async () => {
    const seeked = "seeked " + v.currentTime.toFixed(1) + " " + v.duration.toFixed(1);
    document.getElementById("range").textContent = await probeRange();
    document.title = seeked;
  }, { once: true });
  v.currentTime = 2;
}, { once: true });
</script>
</body></html>
`;

test("headless Chromium plays and seeks a WebM served with byte ranges (206)", { skip, timeout: 60_000 }, async () => {
  const dir = tempDir();
  let cli: RunningCli | undefined;
  try {
    copyFileSync(CLIP, path.join(dir, "clip.webm"));
    writeFileSync(path.join(dir, "index.html"), MEDIA_PAGE);
    const clip = readFileSync(CLIP);
    cli = await serve(["-b", "127.0.0.1", "-d", dir, "0"]);
    const dom = await dumpDom(`http://127.0.0.1:${cli.port}/index.html`);
    const title = /<title>([^<]*)<\/title>/.exec(dom)?.[1];
    // The metadata loaded, the seek to 2 s completed, the duration is the clip's 3 s.
    assert.equal(title, "seeked 2.0 3.0", dom.slice(0, 2000));
    assert.equal(
      preText(dom, "range"),
      `206 100 bytes 100-199/${clip.length} ${clip.subarray(100, 108).toString("hex")}`,
    );
    await waitFor(() => requests(cli!.stderr()).filter((r) => r === "GET /clip.webm 206").length >= 2);
    const log = requests(cli.stderr());
    // Chromium's media requests always carry Range (bytes=0- at least) and all came before the script's own
    // range fetch (made after the seek): every request for the clip, at least two, was answered 206, none with a full 200.
    const clipRequests = log.filter((r) => r.startsWith("GET /clip.webm "));
    assert.ok(clipRequests.length >= 2, cli.stderr());
    assert.deepEqual(clipRequests.filter((r) => r !== "GET /clip.webm 206"), [], cli.stderr());
    assert.match(cli.stderr(), /"GET \/clip\.webm HTTP\/1\.1" 206 -/);
  } finally {
    await cli?.stop("SIGTERM");
    removeDir(dir);
  }
});

function corsPage(dataUrl: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>pending</title></head>
<body>
<pre id="simple"></pre>
<pre id="preflight"></pre>
<pre id="range"></pre>
<script>
async function probe(id, headers) {
  let text;
  try {
    const r = await fetch(${JSON.stringify(dataUrl)}, { headers, cache: "no-store" });
    const body = (await r.text()).trim();
    text = "ok " + r.status + " " + body + " " + (r.headers.get("Content-Range") ?? "-");
  } catch (e) {
    text = "blocked " + e.name;
  }
  document.getElementById(id).textContent = text;
}
(async () => {
  // One after the other, so the other server's log is in this order.
  await probe("simple", {});
  await probe("preflight", { "X-Test": "1" });
  await probe("range", { Range: "bytes=0-3" });
  document.title = "done";
})();
</script>
</body></html>
`;
}

const DATA = '{"n":42}';

for (const cors of [true, false]) {
  test(`a page on another origin ${cors ? "reads" : "cannot read"} data.json from an instance ${cors ? "with" : "without"} --cors`, { skip, timeout: 60_000 }, async () => {
    const dirA = tempDir();
    const dirB = tempDir();
    let a: RunningCli | undefined;
    let b: RunningCli | undefined;
    try {
      writeFileSync(path.join(dirB, "data.json"), DATA + "\n");
      b = await serve([...(cors ? ["--cors"] : []), "-b", "127.0.0.1", "-d", dirB, "0"]);
      writeFileSync(path.join(dirA, "index.html"), corsPage(`http://127.0.0.1:${b.port}/data.json`));
      a = await serve(["-b", "127.0.0.1", "-d", dirA, "0"]);
      assert.notEqual(a.port, b.port);
      const dom = await dumpDom(`http://127.0.0.1:${a.port}/index.html`);
      assert.match(dom, /<title>done<\/title>/, dom.slice(0, 2000));
      const outcome = { simple: preText(dom, "simple"), preflight: preText(dom, "preflight"), range: preText(dom, "range") };
      if (cors) {
        assert.deepEqual(outcome, {
          simple: `ok 200 ${DATA} -`,
          // X-Test is not safelisted: Chromium asked first (OPTIONS) and was let through.
          preflight: `ok 200 ${DATA} -`,
          // The range answer and its Content-Range (exposed by Access-Control-Expose-Headers) are readable.
          range: `ok 206 ${DATA.slice(0, 4)} bytes 0-3/${DATA.length + 1}`,
        });
      } else {
        assert.deepEqual(outcome, { simple: "blocked TypeError", preflight: "blocked TypeError", range: "blocked TypeError" });
      }
      // Server B's side: the preflight came before the request it was for.
      const expected = cors
        ? ["GET /data.json 200", "OPTIONS /data.json 204", "GET /data.json 200", "GET /data.json 206"]
        : // Without --cors the simple GET still reaches B (the browser hides the answer); the preflight gets 501, so the GET with X-Test is never sent.
          ["GET /data.json 200", "OPTIONS /data.json 501"];
      if (cors) await waitFor(() => requests(b!.stderr()).includes("GET /data.json 206"));
      else await waitFor(() => requests(b!.stderr()).length >= 3);
      const logB = requests(b.stderr());
      if (cors) {
        // Whether a single Range is CORS-safelisted depends on the Chromium version: allow a second preflight before it.
        const withoutSecondPreflight = logB.filter((r, i) => !(r === "OPTIONS /data.json 204" && i > 1));
        assert.deepEqual(withoutSecondPreflight, expected, b.stderr());
        assert.match(b.stderr(), /"OPTIONS \/data\.json HTTP\/1\.1" 204 -/);
      } else {
        // The range request: a preflight answered 501, or (where a single Range is safelisted) the GET itself, whose 206 the browser hid.
        assert.equal(logB.length, 3, b.stderr());
        assert.deepEqual(logB.slice(0, 2), expected, b.stderr());
        assert.ok(logB[2] === "OPTIONS /data.json 501" || logB[2] === "GET /data.json 206", b.stderr());
      }
      // Server A only served the page (and the browser's favicon guess).
      assert.deepEqual(requests(a.stderr()).filter((r) => !r.startsWith("GET /favicon.ico ")), ["GET /index.html 200"]);
    } finally {
      await a?.stop("SIGTERM");
      await b?.stop("SIGTERM");
      removeDir(dirA);
      removeDir(dirB);
    }
  });
}
