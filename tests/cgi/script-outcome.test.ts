// scriptOutcome(): the end of a CGI request, from how the script's run ended.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { scriptOutcome, type ScriptOutcome, type ScriptRun } from "../../src/cgi/script-outcome.js";
import { pyFormat } from "../../src/python/py-format.js";

const NAME = "/cgi-bin/x.sh";
const KILLED = 128 + 9; // SIGKILL

/** A script that ran to its end: valid head sent, some output, exit 0. */
const CLEAN: ScriptRun = {
  scriptName: NAME,
  abort: null,
  headSent: true,
  exitCode: 0,
  outputBytes: 120,
  badOutput: "",
  timeout: 60,
  clientTimeout: null,
  bodyPace: "",
};

const KILLED_BY_CLIENT = "CGI script %r killed: the client went away";
const KILLED_BY_TIMEOUT = "CGI script %r killed: no progress for %s seconds";
const BAD_HEADER = "CGI script %r: bad header block: %s";
const BAD_HEADER_EXIT = "CGI script %r: bad header block: %s%s";
const EXIT_CODE = "CGI script exit code %d";

const rows: ReadonlyArray<{ does: string; run: Partial<ScriptRun>; expect: ScriptOutcome }> = [
  // Stopped by cgiTimeout.
  {
    does: "answers 504 when the script timed out before its head was sent",
    run: { abort: "timeout", headSent: false, exitCode: KILLED, outputBytes: 0 },
    expect: { log: [[KILLED_BY_TIMEOUT, NAME, "60"]], action: 504 },
  },
  {
    does: "cuts the response short when the script timed out after its head was sent",
    run: { abort: "timeout", headSent: true, exitCode: KILLED },
    expect: { log: [[KILLED_BY_TIMEOUT, NAME, "60"]], action: "cut-short" },
  },
  {
    does: "logs a fractional cgiTimeout as given",
    run: { abort: "timeout", headSent: false, exitCode: KILLED, outputBytes: 10, timeout: 0.5 },
    expect: { log: [[KILLED_BY_TIMEOUT, NAME, "0.5"]], action: 504 },
  },
  // The request body fell short of its pace.
  {
    does: "answers 408 when the request body was too slow before the head was sent",
    run: { abort: "slow-body", headSent: false, exitCode: KILLED, outputBytes: 0, bodyPace: "under 500 bytes/s" },
    expect: { log: [["CGI script %r killed: request body too slow (%s)", NAME, "under 500 bytes/s"]], action: 408 },
  },
  {
    does: "cuts the response short when the request body was too slow after the head was sent",
    run: { abort: "slow-body", headSent: true, exitCode: KILLED, bodyPace: "no byte for 20 s" },
    expect: { log: [["CGI script %r killed: request body too slow (%s)", NAME, "no byte for 20 s"]], action: "cut-short" },
  },
  // The client went away.
  {
    does: "closes when the client went away before the head was sent",
    run: { abort: "disconnect", headSent: false, exitCode: KILLED, outputBytes: 0 },
    expect: { log: [[KILLED_BY_CLIENT, NAME]], action: "close" },
  },
  {
    does: "closes when the client went away after the head was sent",
    run: { abort: "disconnect", headSent: true, exitCode: KILLED },
    expect: { log: [[KILLED_BY_CLIENT, NAME]], action: "close" },
  },
  {
    does: "logs the client's read or write timeout after the kill when that is why it went away",
    run: { abort: "disconnect", headSent: true, exitCode: KILLED, clientTimeout: "timed out" },
    expect: { log: [[KILLED_BY_CLIENT, NAME], ["Request timed out: %s", "TimeoutError('timed out')"]], action: "close" },
  },
  {
    does: "logs the client's timeout before the head was sent too",
    run: { abort: "disconnect", headSent: false, exitCode: KILLED, outputBytes: 0, clientTimeout: "read timed out after 5 s" },
    expect: { log: [[KILLED_BY_CLIENT, NAME], ["Request timed out: %s", "TimeoutError('read timed out after 5 s')"]], action: "close" },
  },
  // The request body failed.
  {
    does: "rethrows a request-body failure before the head was sent, without a log line",
    run: { abort: "client-error", headSent: false, exitCode: KILLED, outputBytes: 0 },
    expect: { log: [], action: "rethrow" },
  },
  {
    does: "cuts the response short on a request-body failure after the head was sent, without a log line",
    run: { abort: "client-error", headSent: true, exitCode: KILLED },
    expect: { log: [], action: "cut-short" },
  },
  // A fault of ours.
  {
    does: "rethrows an internal failure before the head was sent, without a log line",
    run: { abort: "internal", headSent: false, exitCode: KILLED, outputBytes: 0 },
    expect: { log: [], action: "rethrow" },
  },
  {
    does: "rethrows an internal failure after the head was sent too (the engine cuts it short)",
    run: { abort: "internal", headSent: true, exitCode: KILLED },
    expect: { log: [], action: "rethrow" },
  },
  // Output that is not a CGI response.
  {
    does: "answers 502 for a refused header block, the exit code not appended",
    run: { abort: "bad-output", headSent: false, exitCode: KILLED, outputBytes: 12, badOutput: "header line without a colon: 'Hello World'" },
    expect: { log: [[BAD_HEADER, NAME, "header line without a colon: 'Hello World'"]], action: 502 },
  },
  {
    does: "answers 502 for bad output whatever headSent says (a state the handler never reaches)",
    run: { abort: "bad-output", headSent: true, exitCode: KILLED, badOutput: "invalid Status" },
    expect: { log: [[BAD_HEADER, NAME, "invalid Status"]], action: 502 },
  },
  // Ran to its end.
  {
    does: "is done, silently, after a clean exit",
    run: {},
    expect: { log: [], action: "done" },
  },
  {
    does: "is done, logging the exit code, when the script failed after a valid head",
    run: { exitCode: 3 },
    expect: { log: [[EXIT_CODE, 3]], action: "done" },
  },
  {
    does: "answers 500 when the script failed without writing anything",
    run: { headSent: false, exitCode: 3, outputBytes: 0, badOutput: "the script wrote nothing" },
    expect: { log: [[EXIT_CODE, 3]], action: 500 },
  },
  {
    does: "answers 500 with the exit code when a signal killed the script before any output",
    run: { headSent: false, exitCode: KILLED, outputBytes: 0, badOutput: "the script wrote nothing" },
    expect: { log: [[EXIT_CODE, KILLED]], action: 500 },
  },
  {
    does: "answers 502 with the exit code appended when the script failed after output that was no head",
    run: { headSent: false, exitCode: 3, outputBytes: 12, badOutput: "header line without a colon: 'Hello World'" },
    expect: { log: [[BAD_HEADER_EXIT, NAME, "header line without a colon: 'Hello World'", " (exit code 3)"]], action: 502 },
  },
  {
    does: "answers 502 without an exit code when the script exited 0 after output that was no head",
    run: { headSent: false, exitCode: 0, outputBytes: 18, badOutput: "the output ended inside the header block" },
    expect: { log: [[BAD_HEADER_EXIT, NAME, "the output ended inside the header block", ""]], action: 502 },
  },
  {
    does: "answers 502 when the script exited 0 without writing anything",
    run: { headSent: false, exitCode: 0, outputBytes: 0, badOutput: "the script wrote nothing" },
    expect: { log: [[BAD_HEADER_EXIT, NAME, "the script wrote nothing", ""]], action: 502 },
  },
];

describe("scriptOutcome (the end of #serveScript)", () => {
  for (const row of rows) {
    it(`scriptOutcome() ${row.does}`, () => {
      assert.deepEqual(scriptOutcome({ ...CLEAN, ...row.run }), row.expect);
    });
  }

  it("scriptOutcome() names the script it was given in its log lines", () => {
    const run: ScriptRun = { ...CLEAN, scriptName: "/htbin/other.py", abort: "disconnect" };
    assert.deepEqual(scriptOutcome(run).log, [[KILLED_BY_CLIENT, "/htbin/other.py"]]);
  });

  it("scriptOutcome() gives every log format exactly the arguments it converts", () => {
    for (const row of rows) {
      for (const [format, ...args] of scriptOutcome({ ...CLEAN, ...row.run }).log) {
        const specs = format.match(/%[^%]/g) ?? [];
        assert.equal(specs.length, args.length, `${row.does}: ${format}`);
        assert.doesNotThrow(() => pyFormat(format, args), `${row.does}: ${format}`);
      }
    }
  });

  it("scriptOutcome() log lines read as intended once formatted", () => {
    const text = (run: Partial<ScriptRun>): string[] => scriptOutcome({ ...CLEAN, ...run }).log.map(([f, ...a]) => pyFormat(f, a));
    assert.deepEqual(text({ abort: "timeout", headSent: false }), ["CGI script '/cgi-bin/x.sh' killed: no progress for 60 seconds"]);
    assert.deepEqual(text({ abort: "disconnect" }), ["CGI script '/cgi-bin/x.sh' killed: the client went away"]);
    assert.deepEqual(text({ headSent: false, exitCode: 2, outputBytes: 0 }), ["CGI script exit code 2"]);
    assert.deepEqual(text({ headSent: false, exitCode: 2, outputBytes: 5, badOutput: "invalid Status" }), [
      "CGI script '/cgi-bin/x.sh': bad header block: invalid Status (exit code 2)",
    ]);
  });
});
