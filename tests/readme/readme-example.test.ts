import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../", import.meta.url));

function fetchText(url: string, method = "GET", body?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

test("README shows examples/hello-server.ts verbatim", () => {
  const readme = readFileSync(root + "README.md", "utf8");
  const example = readFileSync(root + "examples/hello-server.ts", "utf8");
  assert.ok(readme.includes("```ts\n" + example + "```"), "the README's first handler must be examples/hello-server.ts");
});

test("the README example runs as printed: GET and POST answered, SIGINT stops it", async () => {
  const child = spawn(process.execPath, [root + "build-test/examples/hello-server.js"], { env: { ...process.env, PORT: "0" }, stdio: ["ignore", "pipe", "pipe"] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (c: Buffer) => {
        out += c.toString();
        const m = /Serving on (http:\/\/\S+?)\/?\n/.exec(out);
        if (m?.[1]) resolve(m[1]);
      });
      child.once("exit", (code) => reject(new Error(`example exited early (${code}): ${out}`)));
    });
    const get = await fetchText(url + "/hello");
    assert.equal(get.status, 200);
    assert.equal(get.text, "Hello 127.0.0.1, you asked for /hello\n");
    assert.equal(get.headers["content-length"], String(Buffer.byteLength(get.text)));
    const post = await fetchText(url + "/items", "POST", "12345");
    assert.equal(post.status, 201);
    assert.equal(post.headers["transfer-encoding"], "chunked");
    assert.deepEqual(JSON.parse(post.text), { received: 5 });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGINT");
    assert.equal(await exited, 0);
  } finally {
    child.kill("SIGKILL");
  }
});
