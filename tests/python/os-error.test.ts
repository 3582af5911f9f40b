import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { getSystemErrorMap } from "node:util";
import { osErrorText } from "../../src/python/os-error.js";
import { python } from "../helpers/oracle.js";

// The reference is CPython doing the same thing to the same path: str() of the
// OSError it raises is `[Errno N] <C library strerror>: <repr(path)>`.

/** What Node throws for `fn`. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return assert.fail("expected an error");
}

type Op = "open" | "rmdir" | "fifo" | "exec";

/** Node's error for `op` on `p`. */
function nodeError(op: Op, p: string): unknown {
  switch (op) {
    case "open":
      return thrown(() => fs.readFileSync(p));
    case "rmdir":
      return thrown(() => fs.rmdirSync(p));
    case "fifo":
      return thrown(() => fs.closeSync(fs.openSync(p, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK)));
    case "exec":
      return spawnSync(p).error ?? assert.fail("expected an error");
  }
}

/** str(e) of the OSError CPython raises for the same operation on the same path. */
const PY_OS_ERROR = `
import os, subprocess
def err(op, p):
    try:
        if op == 'open': open(p, 'rb').close()
        elif op == 'rmdir': os.rmdir(p)
        elif op == 'fifo': os.close(os.open(p, os.O_WRONLY | os.O_NONBLOCK))
        elif op == 'exec': subprocess.run([p])
        return 'no error'
    except OSError as e:
        return str(e)
result = [err(op, p) for op, p in data]`;

/** Checks the table against CPython, then `osErrorText` on Node's error against the table. */
function checkReal(rows: readonly (readonly [Op, string, string])[]): void {
  const cpython = python<string[]>(PY_OS_ERROR, rows.map(([op, p]) => [op, p]));
  rows.forEach(([op, p, want], i) => {
    assert.equal(cpython[i], want, `table row ${op} ${JSON.stringify(p)}: CPython's OSError differs`);
    assert.equal(osErrorText(nodeError(op, p), p), want, `${op} ${JSON.stringify(p)}`);
  });
}

/** An error shaped as libuv makes them: code, negative errno, and `CODE: text, syscall 'path'`. */
function libuvError(code: string, syscall: string, p: string): NodeJS.ErrnoException {
  const entry = [...getSystemErrorMap()].find(([, [name]]) => name === code) ?? assert.fail(`no libuv error ${code}`);
  const [errno, [, text]] = entry;
  return Object.assign(new Error(`${code}: ${text}, ${syscall} '${p}'`), { code, errno, syscall, path: p });
}

/** str(OSError(errno.CODE, os.strerror(errno.CODE), path)). */
const PY_STRERROR = "import errno, os\nresult = [str(OSError(getattr(errno, c), os.strerror(getattr(errno, c)), p)) for c, p in data]";

describe("osErrorText()", () => {
  let dir = "";
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "simplehttp-os-error-"));
    fs.writeFileSync(path.join(dir, "file"), "x");
    fs.mkdirSync(path.join(dir, "dir"));
    fs.writeFileSync(path.join(dir, "dir", "inside"), "");
    fs.symlinkSync("loop", path.join(dir, "loop"));
    fs.writeFileSync(path.join(dir, "not-executable"), "#!/bin/sh\n", { mode: 0o644 });
    execFileSync("mkfifo", [path.join(dir, "fifo")]);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("osErrorText() writes [Errno N] strerror: 'path' for the errors opening a file meets, as CPython's open() does", () => {
    const long = "n".repeat(300);
    checkReal([
      ["open", `${dir}/missing`, `[Errno 2] No such file or directory: '${dir}/missing'`],
      ["open", `${dir}/file/x`, `[Errno 20] Not a directory: '${dir}/file/x'`],
      ["open", `${dir}/loop`, `[Errno 40] Too many levels of symbolic links: '${dir}/loop'`],
      ["open", `${dir}/${long}`, `[Errno 36] File name too long: '${dir}/${long}'`],
    ]);
  });

  test("osErrorText() writes the C library's 'Is a directory' rather than libuv's 'illegal operation on a directory'", () => {
    const err = nodeError("open", `${dir}/dir`) as NodeJS.ErrnoException;
    assert.match(err.message, /^EISDIR: illegal operation on a directory/);
    checkReal([["open", `${dir}/dir`, `[Errno 21] Is a directory: '${dir}/dir'`]]);
  });

  test("osErrorText() writes Permission denied (errno 13) for a file that may not be executed", () => {
    checkReal([["exec", `${dir}/not-executable`, `[Errno 13] Permission denied: '${dir}/not-executable'`]]);
  });

  test("osErrorText() writes No such device or address (errno 6) for a FIFO without a reader", () => {
    checkReal([["fifo", `${dir}/fifo`, `[Errno 6] No such device or address: '${dir}/fifo'`]]);
  });

  test("osErrorText() capitalises libuv's text for a code outside its table when it matches the C library's (ENOTEMPTY)", () => {
    checkReal([["rmdir", `${dir}/dir`, `[Errno 39] Directory not empty: '${dir}/dir'`]]);
  });

  test("osErrorText() repr()s the path: double quotes around a single quote, escapes for controls", () => {
    checkReal([
      ["open", `${dir}/it's.pem`, `[Errno 2] No such file or directory: "${dir}/it's.pem"`],
      ["open", `${dir}/say "hi"`, `[Errno 2] No such file or directory: '${dir}/say "hi"'`],
      ["open", `${dir}/new\nline\t.pem`, `[Errno 2] No such file or directory: '${dir}/new\\nline\\t.pem'`],
      ["open", `${dir}/back\\slash`, `[Errno 2] No such file or directory: '${dir}/back\\\\slash'`],
      ["open", `${dir}/café.pem`, `[Errno 2] No such file or directory: '${dir}/café.pem'`],
    ]);
  });

  test("osErrorText() names the path it is given, not the one inside the error", () => {
    const err = nodeError("open", `${dir}/cert.pem`);
    const want = "[Errno 2] No such file or directory: 'cert.pem'";
    assert.deepEqual(python<string[]>(PY_STRERROR, [["ENOENT", "cert.pem"]]), [want]);
    assert.equal(osErrorText(err, "cert.pem"), want);
  });

  test("osErrorText() writes the C library's text for the other errno codes a file name can meet", () => {
    const rows: (readonly [string, string, string])[] = [
      ["EPERM", "open", "[Errno 1] Operation not permitted: 'x.pem'"],
      ["EACCES", "open", "[Errno 13] Permission denied: 'x.pem'"],
      ["EMFILE", "open", "[Errno 24] Too many open files: 'x.pem'"],
      ["ENFILE", "open", "[Errno 23] Too many open files in system: 'x.pem'"],
      ["EIO", "read", "[Errno 5] Input/output error: 'x.pem'"],
      ["ENXIO", "open", "[Errno 6] No such device or address: 'x.pem'"],
      ["EINVAL", "read", "[Errno 22] Invalid argument: 'x.pem'"],
      ["ELOOP", "open", "[Errno 40] Too many levels of symbolic links: 'x.pem'"],
      ["ENAMETOOLONG", "open", "[Errno 36] File name too long: 'x.pem'"],
    ];
    const cpython = python<string[]>(PY_STRERROR, rows.map(([code]) => [code, "x.pem"]));
    rows.forEach(([code, syscall, want], i) => {
      assert.equal(cpython[i], want, `table row ${code}: CPython differs`);
      assert.equal(osErrorText(libuvError(code, syscall, "/abs/x.pem"), "x.pem"), want, code);
    });
  });

  test("osErrorText() capitalises libuv's text for codes outside its table where it matches the C library's", () => {
    const rows: (readonly [string, string])[] = [
      ["ENOSPC", "[Errno 28] No space left on device: 'x'"],
      ["EROFS", "[Errno 30] Read-only file system: 'x'"],
      ["EFBIG", "[Errno 27] File too large: 'x'"],
      ["EMLINK", "[Errno 31] Too many links: 'x'"],
      ["ENODEV", "[Errno 19] No such device: 'x'"],
    ];
    const cpython = python<string[]>(PY_STRERROR, rows.map(([code]) => [code, "x"]));
    rows.forEach(([code, want], i) => {
      assert.equal(cpython[i], want, `table row ${code}: CPython differs`);
      assert.equal(osErrorText(libuvError(code, "open", "x"), "x"), want, code);
    });
  });

  test("osErrorText() falls back to the message, then repr(path), for an error without an errno code", () => {
    // Not a CPython shape (CPython has no such case); the module's own fallback.
    assert.equal(osErrorText(new Error("bad PEM data"), "cert.pem"), "bad PEM data: 'cert.pem'");
    assert.equal(osErrorText(Object.assign(new Error("odd"), { code: "ERR_SOMETHING" }), "it's"), `odd: "it's"`);
    assert.equal(osErrorText("boom", "x"), "boom: 'x'");
    const nul = thrown(() => fs.readFileSync("a\u0000b")) as NodeJS.ErrnoException;
    assert.equal(nul.code, "ERR_INVALID_ARG_VALUE");
    assert.equal(osErrorText(nul, "a\u0000b"), `${nul.message}: 'a\\x00b'`);
  });
});
