/**
 * A client pipelining many requests gets them answered in turns with the
 * other connections, not all before anyone else (its responses come through
 * promises that are already settled, which never give the event loop a turn
 * of their own). Issue 10, item 9. Latency under a full flood is measured by
 * `npm run soak`, not here: this checks the order, which does not depend on
 * the machine's speed.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { withServer, QuietHandler } from "../helpers/server.js";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const served: string[] = [];
/** Called by the handler in the middle of the flood (server-side, so the flood is really in progress). */
let midFlood: (() => void) | null = null;

class Recorder extends QuietHandler {
  override protocolVersion = "HTTP/1.1";
  async do_GET(): Promise<void> {
    // The flood's first request waits, so that the rest of the flood and the other client's request are all buffered.
    if (this.path === "/wait") await sleep(200);
    served.push(this.path);
    if (this.path === "/f10") midFlood?.();
    this.sendResponse(200);
    this.sendHeader("Content-Length", "2");
    await this.endHeaders();
    await this.wfile.write("ok");
  }
}

describe("pipelined requests and other connections", () => {
  it("a connection with 1,500 buffered pipelined requests lets another connection's request through after a few of them", async () => {
    await withServer(Recorder, async ({ port }) => {
      served.length = 0;
      // The other client is connected and idle; its request is sent while the flood is being served.
      const other = net.connect(port, "127.0.0.1");
      other.on("error", () => {});
      let answer = "";
      const answered = new Promise<void>((resolve) => other.on("data", (d: Buffer) => {
        answer += d.toString("latin1");
        if (answer.endsWith("ok")) resolve();
      }));
      await new Promise<void>((resolve) => other.once("connect", () => resolve()));
      midFlood = () => {
        midFlood = null;
        other.write("GET /other HTTP/1.1\r\nHost: x\r\n\r\n");
      };
      const flood = net.connect(port, "127.0.0.1");
      flood.on("error", () => {});
      flood.on("data", () => {}); // read what comes: only the turns are at stake
      let reqs = "GET /wait HTTP/1.1\r\nHost: x\r\n\r\n";
      for (let i = 0; i < 1500; i++) reqs += `GET /f${i} HTTP/1.1\r\nHost: x\r\n\r\n`;
      flood.write(reqs);
      await answered;
      assert.match(answer, /^HTTP\/1\.1 200 OK\r\n/);
      const at = served.indexOf("/other");
      const sentAt = served.indexOf("/f10");
      assert.ok(at > sentAt && at - sentAt <= 40, `sent after the flood's request 10, served ${at - sentAt} requests later`);
      flood.destroy();
      other.destroy();
    });
  });
});
