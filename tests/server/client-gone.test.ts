/**
 * A client that goes away is not a server error: no `handleError()` report
 * (CPython prints a traceback for each reset). Issue 10, item 13.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConnectionClosedError } from "../../src/server/errors.js";
import { withServer, QuietHandler } from "../helpers/server.js";
import { rawRequest } from "../helpers/raw-client.js";

/** Fails in handle() (outside any do_ method) with the error the path names. */
class FailsInHandle extends QuietHandler {
  override async handle(): Promise<void> {
    await Promise.resolve();
    const errors: Record<string, () => Error> = {
      closed: () => new ConnectionClosedError(),
      reset: () => Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }),
      pipe: () => Object.assign(new Error("write EPIPE"), { code: "EPIPE" }),
      bug: () => new TypeError("a bug in the handler"),
    };
    const which = [...Object.keys(errors)].find((k) => (this.server as unknown as { which: string }).which === k) ?? "bug";
    throw (errors[which] as () => Error)();
  }
}

describe("errors of a connection that the client left", () => {
  for (const which of ["closed", "reset", "pipe"]) {
    it(`a ${which === "closed" ? "ConnectionClosedError" : which === "reset" ? "ECONNRESET" : "EPIPE"} escaping the handler is not reported through handleError()`, async () => {
      await withServer(FailsInHandle, async ({ server, port, errors }) => {
        (server as unknown as { which: string }).which = which;
        await rawRequest(port, "GET / HTTP/1.0\r\n\r\n", { timeoutMs: 1000 });
        await new Promise((r) => setTimeout(r, 50));
        assert.deepEqual(errors, []);
      });
    });
  }

  it("any other error escaping the handler is still reported", async () => {
    await withServer(FailsInHandle, async ({ server, port, errors }) => {
      (server as unknown as { which: string }).which = "bug";
      await rawRequest(port, "GET / HTTP/1.0\r\n\r\n", { timeoutMs: 1000 });
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(errors.length, 1);
      assert.ok(errors[0] instanceof TypeError);
    });
  });
});
