/**
 * Sharing a folder with the command (issue 12): dotfiles hidden by default
 * (404, left out of listings, named in the banner; `.well-known` served;
 * `--dotfiles allow` and `-p HTTP/1.0` serve them as Python does), the rich
 * listing (sizes, dates, sorting by query, JSON), `--no-listing`, a
 * `404.html` page, `--spa`/`--fallback`, `--isolate`, `--no-follow-links`,
 * `--qr` and `-o` without a browser. Real requests through curl and raw
 * sockets against `node dist/cli.js`.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { cleanEnv, startCli, type RunningCli } from "./helpers.js";
import { buildRequest, rawRequest } from "../helpers/raw-client.js";
import { parseResponse, type ParsedResponse } from "../helpers/http-response.js";
import { curl, curlHeaders } from "../helpers/real-clients.js";

const site = mkdtempSync(path.join(os.tmpdir(), "simplehttp-share-"));
const outside = mkdtempSync(path.join(os.tmpdir(), "simplehttp-outside-"));
const T = new Date("2026-11-01T10:00:00Z");
function put(rel: string, text: string | Buffer, when: Date = T): void {
  const full = path.join(site, rel);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, text);
  utimesSync(full, when, when);
}

before(() => {
  chmodSync(site, 0o755);
  put(".env", "SECRET=1\n");
  put(".git/config", "[core]\n");
  put(".well-known/security.txt", "Contact: mailto:x@example.test\n");
  put("index.html", "<!doctype html><title>app</title>APP\n");
  put("app.js", "console.log(1)\n");
  put("docs/small.txt", "s\n", new Date("2026-01-01T00:00:00Z"));
  put("docs/.secret", "hidden\n");
  put("docs/large.bin", Buffer.alloc(5000), new Date("2026-06-01T00:00:00Z"));
  put("docs/medium.txt", "m".repeat(1500), new Date("2026-03-01T00:00:00Z"));
  put("404.html", "<!doctype html><title>lost</title>CUSTOM 404\n");
  writeFileSync(path.join(outside, "secret.txt"), "outside\n");
  symlinkSync(path.join(outside, "secret.txt"), path.join(site, "out-link.txt"));
  symlinkSync("app.js", path.join(site, "in-link.js"));
});
after(() => {
  rmSync(site, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

async function get(cli: RunningCli, target: string, headers: string[] = [], method = "GET"): Promise<ParsedResponse> {
  const r = await rawRequest(cli.port, buildRequest(method, target, ["Host: x", "Connection: close", ...headers]), { timeoutMs: 5000 });
  return parseResponse(r.data, { closed: true, methods: [method] });
}

async function withCli<T>(args: string[], fn: (cli: RunningCli) => Promise<T>): Promise<T> {
  const cli = await startCli(["-b", "127.0.0.1", "-d", site, ...args, "0"]);
  try {
    return await fn(cli);
  } finally {
    await cli.stop("SIGTERM");
  }
}

/** The entry hrefs of a listing, in page order (breadcrumbs, parent and sort links left out). */
function entryLinks(html: string): string[] {
  return [...html.matchAll(/<tr class="k-[a-z]+"><td><a href="([^"]*)">/g)].map((m) => m[1] as string).filter((h) => h !== "../");
}

describe("sharing a folder", () => {
  it("hides dotfiles by default: 404, not listed, named in the banner; .well-known is served", async () => {
    await withCli([], async (cli) => {
      assert.equal((await get(cli, "/.env")).status, 404);
      assert.equal((await get(cli, "/.git/config")).status, 404);
      assert.equal((await get(cli, "/%2egit/config")).status, 404);
      assert.equal((await get(cli, "/.git")).status, 404, "no redirect that would confirm the directory");
      const wk = await get(cli, "/.well-known/security.txt");
      assert.equal(wk.status, 200);
      const listing = (await get(cli, "/docs/")).body.toString();
      assert.ok(!listing.includes(".secret"), "not listed");
      assert.match(listing, /3 entries; 1 hidden \(names starting with a dot\)/);
      assert.deepEqual(entryLinks((await get(cli, "/.well-known/")).body.toString()), ["security.txt"]);
      assert.match(cli.stdout(), /Not served: \.env, \.git \(names starting with a dot; --dotfiles allow serves them\)\./);
      assert.ok(!cli.stdout().includes("\x1b["), "no colour when stdout is not a terminal");
    });
  });

  it("--dotfiles allow, and -p HTTP/1.0 (Python's behaviour), serve and list them", async () => {
    for (const args of [["--dotfiles", "allow"], ["-p", "HTTP/1.0"]]) {
      await withCli(args, async (cli) => {
        const env = await get(cli, "/.env");
        assert.equal(env.status, 200, args.join(" "));
        assert.equal(env.body.toString(), "SECRET=1\n");
        assert.ok((await get(cli, "/docs/")).body.toString().includes('href=".secret"'));
        assert.ok(!cli.stdout().includes("Not served"));
      });
    }
  });

  it("the listing shows sizes and dates, sorts by query, and answers JSON to scripts; -p HTTP/1.0 keeps Python's page", async () => {
    await withCli([], async (cli) => {
      const res = await get(cli, "/docs/");
      assert.equal(res.status, 200);
      assert.equal(res.header("vary"), "Accept");
      const html = res.body.toString();
      assert.deepEqual(entryLinks(html), ["large.bin", "medium.txt", "small.txt"]);
      assert.match(html, /<td title="5000 bytes">4\.9 KiB<td>2026-06-01 \d\d:\d\d\n/);
      assert.deepEqual(entryLinks((await get(cli, "/docs/?sort=size&order=desc")).body.toString()), ["large.bin", "medium.txt", "small.txt"]);
      assert.deepEqual(entryLinks((await get(cli, "/docs/?sort=size")).body.toString()), ["small.txt", "medium.txt", "large.bin"]);
      assert.deepEqual(entryLinks((await get(cli, "/docs/?sort=mtime&order=desc")).body.toString()), ["large.bin", "medium.txt", "small.txt"]);
      for (const r of [await get(cli, "/docs/", ["Accept: application/json"]), await get(cli, "/docs/?format=json")]) {
        assert.equal(r.header("content-type"), "application/json");
        const json = JSON.parse(r.body.toString()) as { path: string; entries: Array<{ name: string; type: string; size: number; mtime: string; link: string }> };
        assert.equal(json.path, "/docs/");
        assert.deepEqual(
          json.entries.map((e) => [e.name, e.type, e.size, e.mtime, e.link]),
          [
            ["large.bin", "file", 5000, "2026-06-01T00:00:00.000Z", "large.bin"],
            ["medium.txt", "file", 1500, "2026-03-01T00:00:00.000Z", "medium.txt"],
            ["small.txt", "file", 2, "2026-01-01T00:00:00.000Z", "small.txt"],
          ],
        );
      }
    });
    await withCli(["-p", "HTTP/1.0"], async (cli) => {
      const html = (await get(cli, "/docs/")).body.toString();
      assert.ok(html.includes("<ul>") && !html.includes("<table>"), "Python's page");
      assert.equal((await get(cli, "/docs/", ["Accept: application/json"])).header("content-type"), "text/html; charset=utf-8");
    });
  });

  it("an edited file's size shows in the listing within a second", async () => {
    await withCli([], async (cli) => {
      assert.match((await get(cli, "/docs/")).body.toString(), /<td>2 B<td/);
      writeFileSync(path.join(site, "docs", "small.txt"), "grown\n");
      await new Promise((r) => setTimeout(r, 1100));
      assert.match((await get(cli, "/docs/")).body.toString(), /<td>6 B<td/);
      writeFileSync(path.join(site, "docs", "small.txt"), "s\n");
      utimesSync(path.join(site, "docs", "small.txt"), new Date("2026-01-01T00:00:00Z"), new Date("2026-01-01T00:00:00Z"));
    });
  });

  it("404.html is the body of 404s (status kept, HEAD without it); --no-listing answers 404 for directories", async () => {
    await withCli(["--no-listing"], async (cli) => {
      const missing = await get(cli, "/nope.txt");
      assert.equal(missing.status, 404);
      assert.equal(missing.header("content-type"), "text/html; charset=utf-8");
      assert.equal(missing.body.toString(), "<!doctype html><title>lost</title>CUSTOM 404\n");
      const head = await get(cli, "/nope.txt", [], "HEAD");
      assert.equal(head.status, 404);
      assert.equal(head.body.length, 0);
      const dir = await get(cli, "/docs/");
      assert.equal(dir.status, 404);
      assert.match(dir.body.toString(), /CUSTOM 404/);
      assert.equal((await get(cli, "/")).status, 200, "a directory with an index page is still served");
    });
    await withCli(["-p", "HTTP/1.0"], async (cli) => {
      assert.match((await get(cli, "/nope.txt")).body.toString(), /<p>Message: File not found\.<\/p>/, "Python's page");
    });
  });

  it("--spa serves index.html for routes, not for missing assets; --fallback names another page", async () => {
    await withCli(["--spa"], async (cli) => {
      const route = await get(cli, "/users/42?tab=1");
      assert.equal(route.status, 200);
      assert.equal(route.body.toString(), "<!doctype html><title>app</title>APP\n");
      assert.equal(route.header("content-type"), "text/html; charset=utf-8");
      assert.equal((await get(cli, "/missing.js")).status, 404);
      assert.equal((await get(cli, "/app.js")).body.toString(), "console.log(1)\n");
    });
    await withCli(["--fallback", "docs/small.txt"], async (cli) => {
      assert.equal((await get(cli, "/anything")).body.toString(), "s\n");
    });
  });

  it("--isolate sends the cross-origin isolation headers on every response", async () => {
    await withCli(["--isolate"], async (cli) => {
      for (const target of ["/app.js", "/docs/", "/nope.txt"]) {
        const r = await get(cli, target);
        assert.equal(r.header("cross-origin-opener-policy"), "same-origin", target);
        assert.equal(r.header("cross-origin-embedder-policy"), "require-corp", target);
        assert.equal(r.header("cross-origin-resource-policy"), "same-origin", target);
      }
    });
  });

  it("--no-follow-links refuses what a link leads to outside the folder, and serves links inside it", async () => {
    await withCli([], async (cli) => {
      assert.equal((await get(cli, "/out-link.txt")).body.toString(), "outside\n", "followed by default, as Python");
    });
    await withCli(["--no-follow-links"], async (cli) => {
      assert.equal((await get(cli, "/out-link.txt")).status, 404);
      const inside = await get(cli, "/in-link.js");
      assert.equal(inside.status, 200);
      assert.equal(inside.body.toString(), "console.log(1)\n");
    });
  });

  it("--qr prints a QR code of the network URL; -o without a browser is not an error", async () => {
    const cli = await startCli(["-b", "127.0.0.1", "-d", site, "--qr", "-o", "0"], { env: cleanEnv({ PATH: "/nonexistent" }) });
    try {
      assert.match(cli.stdout(), /[▀▄█]{10,}/);
      assert.equal((await get(cli, "/app.js")).status, 200);
    } finally {
      await cli.stop("SIGTERM");
    }
  });
});

describe("--log-format", () => {
  it("combined: nginx's line, written once the response is sent, with its body bytes; json: one object a line", async () => {
    for (const format of ["combined", "json"] as const) {
      const cli = await startCli(["-b", "127.0.0.1", "-d", site, "--log-format", format, "0"]);
      try {
        await get(cli, "/app.js", ['Referer: http://x.test/"q"', "User-Agent: curl/8.0"]);
        await get(cli, "/nope.txt");
        await new Promise((r) => setTimeout(r, 200));
        const lines = cli.stderr().trim().split("\n").filter((l) => !l.includes("code 404, message"));
        if (format === "combined") {
          assert.match(lines[0] ?? "", /^127\.0\.0\.1 - - \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "GET \/app\.js HTTP\/1\.1" 200 15 "http:\/\/x\.test\/\\x22q\\x22" "curl\/8\.0"$/);
          assert.match(lines[1] ?? "", /"GET \/nope\.txt HTTP\/1\.1" 404 45 "-" "-"$/);
        } else {
          const first = JSON.parse(lines[0] ?? "") as Record<string, unknown>;
          assert.deepEqual(
            { ...first, time: typeof first["time"] },
            { time: "string", remote_addr: "127.0.0.1", method: "GET", path: "/app.js", protocol: "HTTP/1.1", status: 200, bytes: 15, referer: 'http://x.test/"q"', user_agent: "curl/8.0" },
          );
          assert.equal((JSON.parse(lines[1] ?? "") as { status: number }).status, 404);
        }
      } finally {
        await cli.stop("SIGTERM");
      }
    }
  });

  it("-q still silences the request lines", async () => {
    const cli = await startCli(["-q", "-b", "127.0.0.1", "-d", site, "--log-format", "json", "0"]);
    try {
      await get(cli, "/app.js");
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(cli.stderr(), "");
    } finally {
      await cli.stop("SIGTERM");
    }
  });
});

describe("sharing a folder, through curl", () => {
  it("curl gets the JSON listing, the isolation headers, a hidden dotfile's 404 and an SPA route", async () => {
    await withCli(["--isolate", "--spa"], async (cli) => {
      const base = `http://127.0.0.1:${cli.port}`;
      const json = await curl("-H", "Accept: application/json", `${base}/docs/`);
      assert.equal(json.code, 0, json.stderr);
      assert.deepEqual(
        (JSON.parse(json.stdout.toString()) as { entries: Array<{ name: string }> }).entries.map((e) => e.name),
        ["large.bin", "medium.txt", "small.txt"],
      );
      const head = await curl("-D", "-", "-o", "/dev/null", `${base}/app.js`);
      const heads = curlHeaders(head.stdout.toString("latin1"));
      assert.equal(heads[0]?.status, 200);
      assert.equal(heads[0]?.headers.find(([k]) => k.toLowerCase() === "cross-origin-embedder-policy")?.[1], "require-corp");
      const env = await curl("-o", "/dev/null", "-w", "%{http_code}", `${base}/.env`);
      assert.equal(env.stdout.toString(), "404");
      const route = await curl(`${base}/settings/profile`);
      assert.equal(route.stdout.toString(), "<!doctype html><title>app</title>APP\n");
    });
  });
});
