import { test } from "node:test";
import assert from "node:assert/strict";
import { parseCommandLine, USAGE, HELP, type CliOptions, type ParsedCommandLine } from "../../src/cli/options.js";

function run(argv: string[], env: NodeJS.ProcessEnv = {}): CliOptions {
  const r = parseCommandLine(argv, env, "/cwd");
  assert.equal(r.kind, "run", JSON.stringify(r));
  return (r as Extract<ParsedCommandLine, { kind: "run" }>).options;
}

function error(argv: string[], env: NodeJS.ProcessEnv = {}): string {
  const r = parseCommandLine(argv, env, "/cwd");
  assert.equal(r.kind, "error", JSON.stringify(r));
  return (r as Extract<ParsedCommandLine, { kind: "error" }>).message;
}

test("parseCommandLine() defaults: port 8000, all interfaces, the current directory, HTTP/1.1", () => {
  const o = run([]);
  assert.equal(o.port, 8000);
  assert.equal(o.bind, undefined);
  assert.equal(o.directory, "/cwd");
  assert.equal(o.protocol, "HTTP/1.1");
  assert.equal(o.cgi, false);
  assert.deepEqual(o.headers, []);
  assert.equal(o.quiet, false);
  assert.equal(o.compress, true);
  assert.equal(o.cors, false);
  assert.equal(o.tlsCert, undefined);
});

test("parseCommandLine() reads Python's options, short and long", () => {
  const o = run(["-b", "127.0.0.1", "-d", "/srv", "-p", "HTTP/1.0", "9000"]);
  assert.deepEqual([o.port, o.bind, o.directory, o.protocol], [9000, "127.0.0.1", "/srv", "HTTP/1.0"]);
  const l = run(["--bind", "::1", "--directory=/srv", "--protocol", "HTTP/1.1", "--cgi", "0"]);
  assert.deepEqual([l.port, l.bind, l.directory, l.protocol, l.cgi], [0, "::1", "/srv", "HTTP/1.1", true]);
  assert.equal(run(["-b127.0.0.1"]).bind, "127.0.0.1");
  assert.equal(run(["-q"]).quiet, true);
});

test("parseCommandLine() takes unique prefixes of long options, like argparse", () => {
  const o = run(["--dir", "/srv", "--bi=::", "--proto", "HTTP/1.0"]);
  assert.deepEqual([o.directory, o.bind, o.protocol], ["/srv", "::", "HTTP/1.0"]);
  assert.equal(parseCommandLine(["--vers"]).kind, "version");
  assert.equal(error(["--tls", "x"]), "ambiguous option: --tls could match --tls-cert, --tls-key, --tls-password-file");
  assert.equal(error(["--h"]), "ambiguous option: --h could match --help, --header");
  // after "--" nothing is an option
  assert.equal(error(["--", "--dir"]), "argument port: invalid int value: '--dir'");
});

test("parseCommandLine() takes the port from $PORT when none is given; the argument wins", () => {
  assert.equal(run([], { PORT: "8123" }).port, 8123);
  assert.equal(run(["9000"], { PORT: "8123" }).port, 9000);
  assert.equal(error([], { PORT: "nope" }), "argument port: invalid int value: 'nope'");
});

test("parseCommandLine() accepts ports 0 to 65535, with argparse's int() leniency", () => {
  assert.equal(run(["0"]).port, 0);
  assert.equal(run(["65535"]).port, 65535);
  assert.equal(run([" 8080 "]).port, 8080);
  assert.equal(run(["+80"]).port, 80);
  assert.equal(run(["--", "8000"]).port, 8000);
});

test("parseCommandLine() rejects a bad port with argparse's message", () => {
  assert.equal(error(["abc"]), "argument port: invalid int value: 'abc'");
  assert.equal(error(["80.5"]), "argument port: invalid int value: '80.5'");
  assert.equal(error([""]), "argument port: invalid int value: ''");
  assert.match(error(["70000"]), /^argument port: 70000 /);
  assert.match(error(["65536"]), /^argument port: 65536 /);
  assert.match(error(["--", "-1"]), /^argument port: -1 /);
});

test("parseCommandLine() rejects unknown options and extra arguments", () => {
  assert.equal(error(["--frob"]), "unrecognized arguments: --frob");
  assert.equal(error(["-z"]), "unrecognized arguments: -z");
  assert.equal(error(["8000", "9000"]), "unrecognized arguments: 9000");
});

test("parseCommandLine() names the option whose value is missing, as argparse does", () => {
  assert.equal(error(["-b"]), "argument -b/--bind: expected one argument");
  assert.equal(error(["--directory"]), "argument -d/--directory: expected one argument");
  assert.equal(error(["-p"]), "argument -p/--protocol: expected one argument");
  assert.equal(error(["--tls-cert"]), "argument --tls-cert: expected one argument");
  assert.equal(error(["--cgi=1"]), "argument --cgi: ignored explicit argument '1'");
});

test("parseCommandLine() checks the protocol version", () => {
  assert.equal(run(["-p", "HTTP/1.0"]).protocol, "HTTP/1.0");
  assert.match(error(["-p", "1.0"]), /^argument -p\/--protocol: /);
  assert.match(error(["-p", "HTTP/1"]), /^argument -p\/--protocol: /);
});

test("parseCommandLine() reads -H/--header, repeatable", () => {
  assert.deepEqual(run(["-H", "X-A: 1", "--header", "Cache-Control:  no-store ", "-H", "X-Empty:"]).headers, [
    ["X-A", "1"],
    ["Cache-Control", "no-store"],
    ["X-Empty", ""],
  ]);
  assert.deepEqual(run(["-H", "X-Colon: a:b"]).headers, [["X-Colon", "a:b"]]);
});

test("parseCommandLine() reads CPython 3.15's -H NAME VALUE beside -H 'Name: value'", () => {
  const o = run(["-H", "Cache-Control", "no-store", "--header", "X-Two", "a b:c", "-H", "X-Old: 1", "--header=X-Eq", "v", "9000"]);
  assert.deepEqual(o.headers, [
    ["Cache-Control", "no-store"],
    ["X-Two", "a b:c"],
    ["X-Old", "1"],
    ["X-Eq", "v"],
  ]);
  assert.equal(o.port, 9000);
  // A name whose value would be an option is refused, as argparse refuses it.
  assert.match(error(["-H", "X-A", "-q"]), /^argument -H\/--header: invalid header "X-A"/);
  assert.match(error(["-H", "Bad Name", "v"]), /^argument -H\/--header: /);
});

test("parseCommandLine() reads --cgi-max, and refuses what is not a count", () => {
  assert.equal(run([]).cgiMax, null);
  assert.equal(run(["--cgi", "--cgi-max", "3"]).cgiMax, 3);
  for (const bad of ["0", "-1", "x", "2.5", "1000001"]) {
    assert.match(error(["--cgi-max", bad]), /^argument --cgi-max: invalid value /, bad);
  }
});

test("parseCommandLine() reads the sharing options, with Python's behaviour under -p HTTP/1.0", () => {
  const d = run([]);
  assert.deepEqual([d.dotfiles, d.listing, d.followLinks, d.fallback, d.isolate, d.open, d.qr, d.logFormat], ["deny", true, true, null, false, false, false, "python"]);
  assert.equal(run(["-p", "HTTP/1.0"]).dotfiles, "allow");
  assert.equal(run(["-p", "HTTP/1.0", "--dotfiles", "deny"]).dotfiles, "deny");
  const o = run(["--dotfiles", "allow", "--no-listing", "--no-follow-links", "--spa", "--isolate", "-o", "--qr", "--log-format", "combined"]);
  assert.deepEqual([o.dotfiles, o.listing, o.followLinks, o.fallback, o.isolate, o.open, o.qr, o.logFormat], ["allow", false, false, "index.html", true, true, true, "combined"]);
  assert.equal(run(["--fallback", "/app/shell.html"]).fallback, "app/shell.html");
  assert.equal(error(["--dotfiles", "maybe"]), "argument --dotfiles: invalid choice: 'maybe' (choose from 'allow', 'deny')");
  assert.equal(error(["--log-format", "xml"]), "argument --log-format: invalid choice: 'xml' (choose from 'python', 'combined', 'json')");
  assert.equal(error(["--spa", "--fallback", "x.html"]), "argument --fallback: not allowed with argument --spa");
  assert.match(error(["--fallback", "../outside.html"]), /^argument --fallback: /);
});

test("parseCommandLine() reads --cors and --no-compress", () => {
  assert.deepEqual([run([]).cors, run([]).compress], [false, true]);
  assert.deepEqual([run(["--cors", "--no-compress"]).cors, run(["--no-compress"]).compress], [true, false]);
});

test("parseCommandLine() rejects malformed headers", () => {
  for (const bad of ["NoColon", ": value", "Bad Name: v", "X(y): v", "X-A: a\r\nb", "X-A: a\nInjected: 1", "X-A: \u0000", "X-A: \u20ac"]) {
    assert.match(error(["-H", bad]), /^argument -H\/--header: /, JSON.stringify(bad));
  }
});

test("parseCommandLine() answers -h and --version before anything else", () => {
  assert.equal(parseCommandLine(["-h"]).kind, "help");
  assert.equal(parseCommandLine(["--help", "abc"]).kind, "help");
  assert.equal(parseCommandLine(["--version"]).kind, "version");
  assert.equal(parseCommandLine(["--version", "-H", "bad"]).kind, "version");
});

test("parseCommandLine() requires --tls-cert for --tls-key and --tls-password-file", () => {
  assert.equal(error(["--tls-key", "k.pem"]), "--tls-key requires --tls-cert to be set");
  assert.equal(error(["--tls-password-file", "p"]), "--tls-password-file requires --tls-cert to be set");
  const o = run(["--tls-cert", "c.pem", "--tls-key", "k.pem"]);
  assert.deepEqual([o.tlsCert, o.tlsKey], ["c.pem", "k.pem"]);
});

test("parseCommandLine() rejects an empty bind address", () => {
  assert.match(error(["-b", ""]), /^argument -b\/--bind: /);
});

test("USAGE and HELP document every option, and HELP says HTTP/1.1 is the default", () => {
  assert.match(USAGE, /^usage: simplehttp /);
  for (const opt of ["-h", "--version", "--cgi", "-b ADDRESS", "-d DIRECTORY", "-p VERSION", "-H HEADER", "--tls-cert", "--tls-key", "--tls-password-file", "[port]"]) {
    assert.ok(USAGE.includes(opt), opt);
  }
  assert.ok(HELP.startsWith(USAGE));
  assert.match(HELP, /default: HTTP\/1\.1/);
  assert.match(HELP, /HTTP\/1\.0/);
});
