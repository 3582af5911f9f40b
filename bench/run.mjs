#!/usr/bin/env node
// simplehttp benchmark: simplehttp vs nginx, python3 -m http.server, sirv,
// http-server and canned Node responders, in one run, on loopback only.
// Usage: node bench/run.mjs [--duration S] [--runs N] [--only NAME[,NAME]]
//                           [--cells a,b,...,j] [--no-install] [--server-logs]
//                           [--loadgen wrk|autocannon] [--baseline DIR] [--rounds N] [--starts N]
// See bench/README.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkUrl, probeClose, rawExchange } from './lib/check.mjs';
import { FILES, JS_FILE, JS_GZ_NAME, LISTING_DIR, LISTING_ENTRIES, makeFixture } from './lib/fixture.mjs';
import { ensureDebian, ensureNpmPeers, peerBin } from './lib/install.mjs';
import { describeLoad, runLoad, writeWrkScript } from './lib/loadgen.mjs';
import {
  cpuSnapshot, foreignCpuPct, freePort, killAllSync, live, portOwnedBy, runSync, shellQuote, sleep, stopProcess, treeRss, waitForPort, which,
} from './lib/proc.mjs';
import { renderMarkdown } from './lib/report.mjs';
import { serverDefs } from './lib/servers.mjs';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(benchDir, '..');
const peersPrefix = path.join(benchDir, '.peers');
const resultsDir = path.join(benchDir, 'results');
const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);

const ALL_CELLS = 'abcdefghij'; // f (RSS) is measured after the others

const USAGE = `usage: node bench/run.mjs [options]
  --duration S     seconds per cell (default 10; env BENCH_DURATION)
  --runs N         measure each cell N times and report the median (default 1; env BENCH_RUNS)
  --warmup S       seconds of the same load before each cell, not measured (default 3; env
                   BENCH_WARMUP; 0 for none): JIT compilers (Node, and V8's background
                   compiler threads on the server's one CPU) are measured warm, as in use
  --only LIST      comma-separated server names or prefixes (simplehttp, simplehttp-baseline,
                   simplehttp-workers, nginx-1w, nginx-tuned, simplehttp-logged, nginx-logged,
                   simplehttp-http10, simplehttp-via-nginx, python, sirv,
                   http-server, canned-net, canned-http); simplehttp matches the other
                   simplehttp columns too, simplehttp$ that column alone
  --cells LIST     comma-separated cells to run, from a,b,c,d,e,f,g,h,i,j (default all;
                   f, the RSS after load, is taken after all the others)
  --no-install     never apt-get/npm install missing peers or load generators
  --server-logs    keep servers' stdout/stderr in files under the temp dir (default /dev/null)
  --loadgen TOOL   wrk (default) or autocannon
  --baseline DIR   also measure DIR/dist/cli.js (a built checkout of this project, e.g. a git
                   worktree of the code before a change) as the column simplehttp-baseline,
                   started exactly as simplehttp and right after it (env BENCH_BASELINE)
  --rounds N       measure the whole list of servers N times in alternation, restarting each
                   server every round; cells report the median over all rounds' runs and its
                   (min-max) (default 1, at most 20; env BENCH_ROUNDS)
  --starts N       start every simplehttp column and the canned Node responders N times in
                   each round (a new process each time, measured as a round is): one start's
                   JIT and GC luck is not the figure; cells report the median over all starts
                   and its (min-max) (default 3, at most 20; env BENCH_STARTS; other servers
                   start once a round)
  -h, --help       this text`;

function parseArgs(argv) {
  const o = {
    duration: Number(process.env.BENCH_DURATION ?? 10),
    runs: Number(process.env.BENCH_RUNS ?? 1),
    warmup: Number(process.env.BENCH_WARMUP ?? 3),
    only: null,
    cells: ALL_CELLS.split(''),
    noInstall: false,
    serverLogs: false,
    loadgen: 'wrk',
    baseline: process.env.BENCH_BASELINE || null,
    baselineFrom: 'BENCH_BASELINE=',
    rounds: Number(process.env.BENCH_ROUNDS ?? 1),
    starts: Number(process.env.BENCH_STARTS ?? 3),
  };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let v;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq !== -1) [a, v] = [a.slice(0, eq), a.slice(eq + 1)];
    const val = () => {
      if (v !== undefined) return v;
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    switch (a) {
      case '--duration': o.duration = Number(val()); break;
      case '--runs': o.runs = Number(val()); break;
      case '--warmup': o.warmup = Number(val()); break;
      case '--only': o.only = (o.only ?? []).concat(val().split(',').map((s) => s.trim()).filter(Boolean)); break;
      case '--cells': o.cells = val().split(',').map((s) => s.trim().toLowerCase()).filter(Boolean); break;
      case '--no-install': o.noInstall = true; break;
      case '--server-logs': o.serverLogs = true; break;
      case '--loadgen': o.loadgen = val(); break;
      case '--baseline': o.baseline = val() || null; o.baselineFrom = '--baseline '; break;
      case '--rounds': o.rounds = Number(val()); break;
      case '--starts': o.starts = Number(val()); break;
      case '-h': case '--help': o.help = true; break;
      default: throw new Error(`unknown argument ${a}`);
    }
  }
  if (!Number.isInteger(o.duration) || o.duration < 1 || o.duration > 600) throw new Error('--duration must be an integer 1..600');
  if (!Number.isInteger(o.runs) || o.runs < 1 || o.runs > 20) throw new Error('--runs must be an integer 1..20');
  if (!Number.isInteger(o.rounds) || o.rounds < 1 || o.rounds > 20) throw new Error('--rounds must be an integer 1..20');
  if (!Number.isInteger(o.starts) || o.starts < 1 || o.starts > 20) throw new Error('--starts must be an integer 1..20');
  if (!Number.isInteger(o.warmup) || o.warmup < 0 || o.warmup > 60) throw new Error('--warmup must be an integer 0..60');
  if (o.cells.some((c) => !ALL_CELLS.includes(c) || c.length !== 1)) throw new Error(`--cells takes letters from ${ALL_CELLS.split('').join(',')}`);
  if (!['wrk', 'autocannon'].includes(o.loadgen)) throw new Error('--loadgen must be wrk or autocannon');
  return o;
}

// Request headers of cells h and i, as browsers send them.
const AE_BROWSER = 'Accept-Encoding: gzip, deflate, br, zstd';
const AE_JS = 'Accept-Encoding: gzip, deflate, br';
const RANGE = { start: 1024 * 1024, end: 1024 * 1024 + 64 * 1024 - 1 }; // 64 KiB from 1 MiB on

/**
 * The cells, in the order they are measured (f, the RSS, is taken after all
 * the others, so it comes last). Fields: headers (sent by the check and by the
 * load generator), expect (see checkUrl; sameAs: { file, start, end } = the
 * decoded body must equal those fixture bytes), prepare ('etag': first learn the
 * server's ETag with a plain GET and add If-None-Match with it, see
 * measureServer), answerMark (show the Content-Encoding and body size in the
 * table).
 */
const CELLS = [
  { id: 'a', title: 'a. 1 KiB file, keep-alive, 50 conns (req/s)', path: `/${FILES.small.name}`, connections: 50, headers: [], metric: 'rps', expect: { bytes: FILES.small.size }, describe: `GET /${FILES.small.name} (1024 bytes), 50 keep-alive connections` },
  { id: 'b', title: 'b. 1 KiB file, new connection per request, 50 conns (req/s)', path: `/${FILES.small.name}`, connections: 50, headers: ['Connection: close'], metric: 'rps', expect: { bytes: FILES.small.size }, describe: `GET /${FILES.small.name} with "Connection: close", 50 connections (each reconnects after every response)` },
  { id: 'c', title: 'c. 100 KiB file, keep-alive, 50 conns (req/s)', path: `/${FILES.medium.name}`, connections: 50, headers: [], metric: 'rps', expect: { bytes: FILES.medium.size }, describe: `GET /${FILES.medium.name} (102400 bytes), 50 keep-alive connections` },
  { id: 'd', title: 'd. 10 MiB file, 4 conns (MiB/s)', path: `/${FILES.large.name}`, connections: 4, headers: [], metric: 'mibps', expect: { bytes: FILES.large.size }, describe: `GET /${FILES.large.name} (10485760 bytes), 4 keep-alive connections, throughput in MiB/s` },
  { id: 'e', title: `e. ${LISTING_ENTRIES}-entry directory listing, keep-alive, 50 conns (req/s)`, path: `/${LISTING_DIR}/`, connections: 50, headers: [], metric: 'rps', expect: { links: LISTING_ENTRIES }, describe: `GET /${LISTING_DIR}/ (an HTML listing of ${LISTING_ENTRIES} files, checked for >= ${LISTING_ENTRIES} href= links), 50 keep-alive connections` },
  {
    id: 'g', title: 'g. 1 KiB file revalidated, 304 Not Modified, keep-alive, 50 conns (req/s)', path: `/${FILES.small.name}`, connections: 50, headers: [], metric: 'rps',
    prepare: 'etag', expect: { status: 304, empty: true },
    describe: `GET /${FILES.small.name} with "If-None-Match: <ETag>", 50 keep-alive connections; <ETag> is what that server sent in a plain GET just before (each server makes its own); checked for status 304 and an empty body (also on the raw socket); a server whose 200 response has no ETag is skipped (none)`,
  },
  {
    id: 'h', title: 'h. 1 KiB file, browser Accept-Encoding, keep-alive, 50 conns (req/s)', path: `/${FILES.small.name}`, connections: 50, headers: [AE_BROWSER], metric: 'rps', answerMark: true,
    expect: { encoding: 'any', bytes: FILES.small.size, sameAs: { file: FILES.small.name } },
    describe: `GET /${FILES.small.name} (1024 random bytes, application/octet-stream) with "${AE_BROWSER}", 50 keep-alive connections; any answer is accepted (a coding is decoded and compared with the file); [the coding and body size each server answered] are in the table and the notes. nginx runs with gzip off (and gzip_static finds no 1k.bin.gz), so both nginx columns send identity here`,
  },
  {
    id: 'i', title: 'i. 100 KiB JavaScript, Accept-Encoding gzip/deflate/br, keep-alive, 50 conns (req/s)', path: `/${JS_FILE.name}`, connections: 50, headers: [AE_JS], metric: 'rps', answerMark: true,
    expect: { encoding: 'compressed', bytes: JS_FILE.size, sameAs: { file: JS_FILE.name } },
    describe: `GET /${JS_FILE.name} (102400 bytes of generated JavaScript; ${JS_GZ_NAME}, its gzip -9, lies beside it with the same mtime) with "${AE_JS}", 50 keep-alive connections; the check wants a Content-Encoding (identity fails it) whose decoding equals app.js; [the coding and body size each server answered] are in the table and the notes. nginx serves ${JS_GZ_NAME} with gzip_static on`,
  },
  {
    id: 'j', title: 'j. 64 KiB range of the 10 MiB file, keep-alive, 50 conns (req/s)', path: `/${FILES.large.name}`, connections: 50, headers: [`Range: bytes=${RANGE.start}-${RANGE.end}`], metric: 'rps',
    expect: { status: 206, bytes: RANGE.end - RANGE.start + 1, contentRange: `bytes ${RANGE.start}-${RANGE.end}/${FILES.large.size}`, sameAs: { file: FILES.large.name, start: RANGE.start, end: RANGE.end } },
    describe: `GET /${FILES.large.name} with "Range: bytes=${RANGE.start}-${RANGE.end}", 50 keep-alive connections; checked for status 206, exactly 65536 bytes equal to the file's and "Content-Range: bytes ${RANGE.start}-${RANGE.end}/${FILES.large.size}"`,
  },
  { id: 'f', title: 'f. RSS after load', metric: 'rss', describe: 'VmRSS from /proc/<pid>/status after all the other cells run (so with g-j it includes whatever caches they made the server build), summed over the server process and its children (nginx master+worker, cluster workers)' },
];

/** Request headers (["Name: value"]) as an object for node:http. */
function headerObject(lines) {
  const o = {};
  for (const h of lines) {
    const i = h.indexOf(':');
    o[h.slice(0, i).trim()] = h.slice(i + 1).trim();
  }
  return o;
}

/** The table mark of cells h and i: the coding and the body size as sent. */
function answerMark(a) {
  if (!a) return null;
  return `[${a.contentEncoding}${a.contentEncoding !== 'identity' ? ` ${a.bodyBytes.toLocaleString('en-US')} B` : ''}]`;
}

// A cell during which processes other than the server, the load generator and
// this script used at least this much CPU (% of one CPU) is marked as noisy.
const BUSY_PCT = 20;

// ---- state for cleanup -------------------------------------------------------
let tmpDir = null;
let keepTmp = false; // --server-logs keeps the temp dir (fixture, logs, nginx configs)
let currentServer = null; // { handle, stopSignal }
let currentLoader = null;
let shuttingDown = false;

function removeTmp() {
  if (tmpDir && keepTmp) {
    log(`kept ${tmpDir} (--server-logs)`);
    tmpDir = null;
  } else if (tmpDir) {
    try {
      fs.rmSync(tmpDir, { recursive: true, force: true });
    } catch {}
    tmpDir = null;
  }
}

async function emergencyStop(sig) {
  if (shuttingDown) return;
  shuttingDown = true;
  log(`${sig}: stopping servers and load generator`);
  const hard = setTimeout(() => {
    killAllSync();
    process.exit(130);
  }, 8000);
  try {
    if (currentLoader) await stopProcess(currentLoader, { graceMs: 1000 });
    if (currentServer) await stopProcess(currentServer.handle, { signal: currentServer.handle.stopSignal ?? 'SIGTERM', mainPid: currentServer.handle.mainPid });
  } catch {}
  killAllSync();
  removeTmp();
  clearTimeout(hard);
  process.exit(sig === 'SIGINT' ? 130 : 143);
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => emergencyStop(sig));
process.on('exit', () => {
  killAllSync();
  removeTmp();
});

// ---- machine facts -----------------------------------------------------------
function cpuModel() {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1].trim();
  } catch {}
  return os.cpus()[0]?.model ?? 'unknown CPU';
}

function firstLine(s) {
  return (s ?? '').trim().split('\n')[0].trim();
}

function gitRev() {
  const r = runSync('git', ['-C', repo, 'rev-parse', '--short', 'HEAD'], { timeoutMs: 5000 });
  if (!r.ok) return 'no commit';
  const d = runSync('git', ['--no-optional-locks', '-C', repo, 'status', '--porcelain', '--', 'src'], { timeoutMs: 5000 });
  return `${r.out.trim()}${d.ok && d.out.trim() ? ' + uncommitted src changes' : ''}`;
}

const metricKey = (metric) => (metric === 'mibps' ? 'mibps' : 'rps');

// The middle run (the lower of the two middle ones for an even count), so that
// its latencies come from the same run as its throughput.
function median(runs, metric) {
  const key = metricKey(metric);
  const sorted = [...runs].sort((x, y) => x[key] - y[key]);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** The baseline checkout for --baseline DIR: { dir, cli, version, commit, dirty }, or an error text. */
function baselineInfo(arg, from = '--baseline ') {
  const dir = path.resolve(arg);
  const cli = path.join(dir, 'dist', 'cli.js');
  let isFile = false;
  try {
    isFile = fs.statSync(cli).isFile();
  } catch {}
  if (!isFile) return { error: `${from}${arg}: ${cli} does not exist (build that checkout first: cd ${dir} && npm ci && npm run build)` };
  let version = null;
  try {
    version = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version ?? null;
  } catch {}
  // Only a commit of DIR itself: a plain copy inside some other checkout must not borrow that checkout's commit.
  let commit = null;
  let dirty = false;
  const top = runSync('git', ['-C', dir, 'rev-parse', '--show-toplevel'], { timeoutMs: 5000 });
  let same = false;
  try {
    same = top.ok && fs.realpathSync(top.out.trim()) === fs.realpathSync(dir);
  } catch {}
  if (same) {
    const r = runSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { timeoutMs: 5000 });
    if (r.ok) commit = r.out.trim();
    const d = runSync('git', ['--no-optional-locks', '-C', dir, 'status', '--porcelain', '--', 'src'], { timeoutMs: 5000 });
    dirty = d.ok && d.out.trim() !== '';
  }
  return { dir, cli, version, commit, dirty };
}

function stamp(d) {
  return d.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}

function writeAtomic(file, text) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

// ---- measuring one server ----------------------------------------------------
async function measureServer(def, ctx, opts, usedPorts, round = 1, start = 1, starts = 1) {
  const res = { name: def.name, version: def.version ?? null, flags: def.flags, status: 'ok', note: null, command: null, cells: {}, rssKiB: null, rssPids: 0 };
  const where = [opts.rounds > 1 ? `round ${round}/${opts.rounds}` : null, starts > 1 ? `start ${start}/${starts}` : null].filter(Boolean);
  const who = where.length ? `${def.name} [${where.join(', ')}]` : def.name;
  const avail = def.available();
  if (!avail.ok) {
    res.status = 'skipped';
    res.note = avail.note;
    log(`${who}: skipped: ${avail.note}`);
    return res;
  }
  const port = await freePort(usedPorts);
  usedPorts.add(port);
  let handle = null;
  try {
    log(`${who}: starting on 127.0.0.1:${port}`);
    handle = await def.start(port);
    currentServer = { handle };
    res.command = handle.commandLine;
    await waitForPort(port, handle, 10_000);
    if (def.afterReady) await def.afterReady(handle);
    if (portOwnedBy(port, handle.mainPid ?? handle.pid) === false) {
      throw new Error(`port ${port} is answered by a process that is not ours`);
    }
    for (const cd of CELLS) {
      if (cd.id === 'f' || !opts.cells.includes(cd.id)) continue;
      if (shuttingDown) break;
      const support = def.supports(cd.id);
      if (support !== true) {
        res.cells[cd.id] = { status: support };
        continue;
      }
      if (handle.exited) {
        res.cells[cd.id] = { status: 'server died', reason: `exited (code ${handle.exitCode}, signal ${handle.exitSignal}) before this cell` };
        continue;
      }
      const url = `http://127.0.0.1:${port}${cd.path}`;
      const connHeader = cd.headers.some((h) => /^connection:\s*close/i.test(h)) ? 'close' : 'keep-alive';
      let headers = cd.headers;
      const extra = {};
      if (cd.prepare === 'etag') {
        // Learn this server's ETag for the file with a plain GET, then send it back.
        const first = await checkUrl(url, { expect: { bytes: FILES.small.size }, headers: { Connection: connHeader } });
        if (!first.ok) {
          res.cells[cd.id] = { status: 'failed check', reason: `plain GET for the ETag: ${first.reason}`, answer: first.answer };
          log(`${who} ${cd.id}: failed check: ${res.cells[cd.id].reason}`);
          continue;
        }
        if (!first.answer.etag) {
          res.cells[cd.id] = { status: 'none', reason: 'its 200 response has no ETag, so there is nothing to revalidate (skipped)', answer: first.answer };
          log(`${who} ${cd.id}: skipped: no ETag`);
          continue;
        }
        extra.etag = first.answer.etag;
        headers = [...headers, `If-None-Match: ${first.answer.etag}`];
      }
      const expect = { ...cd.expect };
      if (expect.sameAs) {
        const { file, start = 0, end } = expect.sameAs;
        const all = fs.readFileSync(path.join(ctx.fixture, file));
        expect.body = all.subarray(start, end == null ? all.length : end + 1);
        delete expect.sameAs;
      }
      const chk = await checkUrl(url, { expect, headers: { ...headerObject(headers), Connection: connHeader } });
      if (chk.ok && expect.empty) {
        // node:http never reads a body after a 304; the raw bytes tell.
        const raw = await rawExchange(port, cd.path, headers);
        if (raw.status !== expect.status || raw.bodyBytes !== 0) {
          chk.ok = false;
          chk.reason = `raw request: ${raw.error ? `${raw.error}, ` : ''}status ${raw.status}, ${raw.bodyBytes ?? '?'} bytes after the head, expected ${expect.status} and none`;
        }
      }
      const answer = chk.answer ? { ...chk.answer, ...extra } : undefined;
      if (!chk.ok) {
        res.cells[cd.id] = { status: 'failed check', reason: chk.reason, answer };
        log(`${who} ${cd.id}: failed check: ${chk.reason}`);
        continue;
      }
      if (cd.answerMark) log(`${who} ${cd.id}: answered ${answer.contentEncoding}, ${answer.bodyBytes}-byte body`);
      const marks = [];
      if (cd.answerMark) marks.push(answerMark(answer));
      if (connHeader === 'keep-alive' && !chk.keepAlive) marks.push('(closes)');
      if (connHeader === 'close') {
        // wrk reconnects only when the response says the connection ends; a
        // server that closes without saying so costs wrk a read error each time.
        const probe = await probeClose(port, cd.path, 'close');
        if (probe.closed === false) marks.push('(kept alive)');
        else if (probe.closed && chk.keepAlive) marks.push('(closes unannounced)');
      }
      const runs = [];
      let failure = null;
      if (opts.warmup > 0 && !shuttingDown) {
        // Same load, not measured: every server is measured warm (see --warmup).
        try {
          await runLoad(ctx, { url, connections: cd.connections, durationS: opts.warmup, headers });
        } catch (e) {
          log(`${who} ${cd.id}: warm-up failed: ${e.message}`);
        }
        await sleep(cd.id === 'b' ? 1000 : 300);
      }
      for (let i = 0; i < opts.runs && !shuttingDown; i++) {
        try {
          const before = cpuSnapshot(handle.mainPid ?? handle.pid);
          const r = await runLoad(ctx, { url, connections: cd.connections, durationS: opts.duration, headers });
          r.foreignCpuPct = foreignCpuPct(before, cpuSnapshot(handle.mainPid ?? handle.pid));
          delete r.raw;
          runs.push(r);
          log(`${who} ${cd.id}${opts.runs > 1 ? ` run ${i + 1}/${opts.runs}` : ''}: ${cd.metric === 'mibps' ? `${r.mibps.toFixed(1)} MiB/s` : `${Math.round(r.rps)} req/s`}, p50 ${r.p50ms.toFixed(2)} ms, p99 ${r.p99ms.toFixed(2)} ms${r.foreignCpuPct != null ? `, other processes ${r.foreignCpuPct.toFixed(0)}% CPU` : ''}`);
        } catch (e) {
          failure = e.message;
          log(`${who} ${cd.id}: load failed: ${e.message}`);
          break;
        }
        if (handle.exited) break;
        await sleep(cd.id === 'b' ? 1000 : 300);
      }
      if (handle.exited) {
        res.cells[cd.id] = { status: 'server died', reason: `exited during load (code ${handle.exitCode}, signal ${handle.exitSignal})`, runs, answer };
      } else if (!runs.length) {
        res.cells[cd.id] = { status: 'load failed', reason: failure, answer };
      } else {
        // median, min, max and the busy-machine mark are set by mergeRounds().
        res.cells[cd.id] = { status: 'ok', runs, marks, url, headers, answer };
      }
    }
    if (opts.cells.includes('f') && !handle.exited) {
      const { kib, pids } = treeRss(handle.mainPid ?? handle.pid);
      res.rssKiB = kib;
      res.rssPids = pids.length;
    }
  } catch (e) {
    res.status = 'failed';
    res.note = e.message + (handle?.logFile ? ` (log: ${handle.logFile})` : handle?.errorLog ? ` (see ${handle.errorLog})` : ' (rerun with --server-logs to see its output)');
    if (handle?.errorLog && fs.existsSync(handle.errorLog)) {
      res.note += `: ${fs.readFileSync(handle.errorLog, 'utf8').trim().split('\n').slice(-2).join(' | ')}`;
    }
    log(`${who}: failed: ${res.note}`);
  } finally {
    if (handle) {
      await stopProcess(handle, { signal: handle.stopSignal ?? 'SIGTERM', mainPid: handle.mainPid });
      currentServer = null;
      log(`${who}: stopped`);
    }
  }
  return res;
}

// ---- merging rounds ------------------------------------------------------------
const unique = (xs) => [...new Set(xs)];
const uniqueBy = (xs, key = (x) => JSON.stringify(x)) => [...new Map(xs.map((x) => [key(x), x])).values()];

/**
 * One server's result from its per-round results (measureServer() of each
 * round, each with .round): a cell's median, min and max are over the runs of
 * every round in which that cell was measured. With one round this is that
 * round's result plus min/max.
 */
function mergeRounds(parts, opts) {
  const first = parts[0];
  const res = { name: first.name, version: first.version, flags: first.flags, status: 'ok', note: null, command: null, cells: {}, rssKiB: null, rssPids: 0 };
  const several = parts.length > 1;
  const tag = (p) => (several ? `${opts.rounds > 1 ? `round ${p.round}` : ''}${opts.rounds > 1 && p.starts > 1 ? ', ' : ''}${p.starts > 1 ? `start ${p.start}` : ''}: ` : '');
  const okParts = parts.filter((p) => p.status === 'ok');
  const bad = parts.filter((p) => p.status !== 'ok');
  if (!okParts.length) {
    res.status = first.status;
    res.note = several && first.status !== 'skipped' ? unique(bad.map((p) => `${tag(p)}${p.note}`)).join('; ') : first.note;
  } else {
    res.command = okParts[0].command;
    if (bad.length) res.note = bad.map((p) => `${tag(p)}${p.status}: ${p.note}`).join('; ');
    const rss = okParts.filter((p) => p.rssKiB).sort((x, y) => x.rssKiB - y.rssKiB);
    if (rss.length) {
      const mid = rss[Math.floor((rss.length - 1) / 2)];
      res.rssKiB = mid.rssKiB;
      res.rssPids = mid.rssPids;
      if (several) {
        res.rssMinKiB = rss[0].rssKiB;
        res.rssMaxKiB = rss[rss.length - 1].rssKiB;
      }
    }
  }
  for (const cd of CELLS) {
    const entries = parts.filter((p) => p.cells[cd.id]).map((p) => [p, p.cells[cd.id]]);
    if (!entries.length) continue;
    const okCells = entries.filter(([, c]) => c.status === 'ok');
    const failed = entries.filter(([, c]) => c.status !== 'ok');
    const failText = failed.map(([p, c]) => `${tag(p)}${c.status}${c.reason ? `: ${c.reason}` : ''}`).join('; ');
    if (!okCells.length) {
      const c = entries[0][1];
      if (several && c.reason) {
        res.cells[cd.id] = { status: c.status, reason: failText, runs: failed.flatMap(([p, x]) => (x.runs ?? []).map((r) => ({ ...r, round: p.round }))), answer: c.answer };
      } else {
        res.cells[cd.id] = c;
      }
      continue;
    }
    const runs = okCells.flatMap(([p, c]) => c.runs.map((r) => ({ ...r, round: p.round })));
    const key = metricKey(cd.metric);
    const med = median(runs, cd.metric);
    const marks = unique(okCells.flatMap(([, c]) => c.marks));
    if (med.foreignCpuPct != null && med.foreignCpuPct >= BUSY_PCT) marks.push(`(busy machine: other processes ${Math.round(med.foreignCpuPct)}% CPU)`);
    const cell = { status: 'ok', median: med, min: Math.min(...runs.map((r) => r[key])), max: Math.max(...runs.map((r) => r[key])), runs, marks, url: okCells[0][1].url };
    if (okCells[0][1].headers?.length) cell.headers = okCells[0][1].headers;
    // What the server answered in the check (cells g-j): one per round when they differ.
    const answers = uniqueBy(okCells.map(([, c]) => c.answer).filter(Boolean));
    if (answers.length) cell.answer = answers[0];
    if (answers.length > 1) cell.answers = answers;
    if (failed.length) cell.reason = failText;
    res.cells[cd.id] = cell;
  }
  if (several) {
    res.rounds = parts.map((p) => ({ round: p.round, start: p.start, status: p.status, note: p.note, command: p.command, rssKiB: p.rssKiB, rssPids: p.rssPids }));
  }
  return res;
}

// ---- main --------------------------------------------------------------------
async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${e.message}\n${USAGE}\n`);
    return 2;
  }
  if (opts.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let baseline = null;
  if (opts.baseline) {
    baseline = baselineInfo(opts.baseline, opts.baselineFrom);
    if (baseline.error) {
      process.stderr.write(`${baseline.error}\n`);
      return 2;
    }
  }
  keepTmp = opts.serverLogs;
  const started = new Date();
  const notes = [];
  const isLinux = process.platform === 'linux';
  if (!isLinux) notes.push('not Linux: RSS, pinning and port ownership checks are unavailable');

  tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'simplehttp-bench-'));
  fs.chmodSync(tmpDir, 0o755);
  const fixture = path.join(tmpDir, 'www');
  fs.mkdirSync(fixture);
  makeFixture(fixture);
  const logDir = path.join(tmpDir, 'logs');
  fs.mkdirSync(logDir);
  log(`fixture in ${fixture}`);

  // CPU pinning: server on CPU 0, load generator on CPU 1.
  const cores = os.cpus().length;
  let serverCpu = null;
  let clientCpu = null;
  let pinning;
  if (isLinux && which('taskset') && cores >= 2) {
    serverCpu = 0;
    clientCpu = 1;
    pinning = 'server pinned with `taskset -c 0` (workers inherit it), load generator with `taskset -c 1`';
  } else {
    pinning = 'no CPU pinning (' + (cores < 2 ? 'fewer than 2 CPUs' : 'taskset not available') + ')';
    notes.push(pinning);
  }

  // Which servers were asked for.
  // "NAME$" matches that column alone; a plain name matches it and the columns it begins.
  const wants = (name) => !opts.only || opts.only.some((o) => (o.endsWith('$') ? name === o.slice(0, -1) : name === o || name.startsWith(o)));

  // Load generator.
  const loadgen = { tool: opts.loadgen };
  if (opts.loadgen === 'wrk') {
    const w = ensureDebian('wrk', ['wrk'], { noInstall: opts.noInstall });
    if (w.note) notes.push(w.note);
    if (w.bin) {
      loadgen.bin = w.bin;
      loadgen.script = writeWrkScript(tmpDir);
      loadgen.version = firstLine(runSync(w.bin, ['-v'], { timeoutMs: 5000 }).out).replace(/\s*Copyright.*$/, '').replace(/^wrk\s+/, '');
    } else {
      loadgen.tool = 'autocannon';
      notes.push('wrk unavailable: falling back to autocannon (numbers are not comparable with wrk runs; autocannon itself is a Node process)');
    }
  }
  if (loadgen.tool === 'autocannon') {
    const p = ensureNpmPeers(peersPrefix, [{ spec: 'autocannon@8', pkg: 'autocannon', bin: 'autocannon' }], { noInstall: opts.noInstall }).get('autocannon');
    if (!p.bin) {
      process.stderr.write(`no load generator: ${p.note}\n`);
      return 1;
    }
    loadgen.bin = p.bin;
    loadgen.version = p.version;
  }
  log(`load generator: ${loadgen.tool} ${loadgen.version ?? ''}`);

  // Peers.
  const nginx = { bin: null, note: null, version: null };
  if (wants('nginx-1w') || wants('nginx-tuned') || wants('nginx-logged') || wants('simplehttp-via-nginx')) {
    const n = ensureDebian('nginx', ['nginx-light', 'nginx'], { noInstall: opts.noInstall });
    Object.assign(nginx, n);
    if (n.installed) notes.push(`${n.note} (Debian may also have started its own nginx service; this benchmark does not use or stop it)`);
    if (nginx.bin) nginx.version = firstLine(runSync(nginx.bin, ['-v'], { timeoutMs: 5000 }).out).replace(/^nginx version:\s*(nginx\/)?/, '');
  }
  const wantedPeers = [];
  if (wants('sirv')) wantedPeers.push({ spec: 'sirv-cli@3', pkg: 'sirv-cli', bin: 'sirv' });
  if (wants('http-server')) wantedPeers.push({ spec: 'http-server@14', pkg: 'http-server', bin: 'http-server' });
  const peers = wantedPeers.length ? ensureNpmPeers(peersPrefix, wantedPeers, { noInstall: opts.noInstall }) : new Map();
  const pyBin = which('python3');
  const python = { bin: pyBin, version: pyBin ? firstLine(runSync(pyBin, ['--version'], { timeoutMs: 5000 }).out).replace(/^Python\s*/, '') : null };

  const ctx = {
    repo, benchDir, fixture, tmp: tmpDir, logDir, serverCpu, clientCpu, serverLogs: opts.serverLogs, nginx, peers, python, loadgen, baseline,
    onLoader: (h) => (currentLoader = h),
  };

  const defs = serverDefs(ctx).filter((d) => wants(d.name));
  if (!defs.length) {
    process.stderr.write(`--only ${opts.only.join(',')} matches no server\n${USAGE}\n`);
    return 2;
  }

  // Rounds: every server in column order, then all of them again, ... (each
  // started afresh), so that start-to-start variation and drift of the machine
  // fall on all columns alike.
  const usedPorts = new Set();
  const perServer = defs.map(() => []);
  for (let round = 1; round <= opts.rounds && !shuttingDown; round++) {
    if (opts.rounds > 1) log(`round ${round}/${opts.rounds}`);
    for (const [i, def] of defs.entries()) {
      // simplehttp columns and the canned Node responders its ratios are taken against:
      // several processes, one after another (issue 14: starts of a Node server differ).
      const starts = def.multiStart ? opts.starts : 1;
      for (let start = 1; start <= starts; start++) {
        if (shuttingDown) break;
        if (perServer[i][0]?.status === 'skipped') break; // unavailable: not tried again
        const r = await measureServer(def, ctx, opts, usedPorts, round, start, starts);
        Object.assign(r, { round, start, starts });
        perServer[i].push(r);
        await sleep(500);
      }
    }
  }
  const servers = perServer.filter((parts) => parts.length).map((parts) => mergeRounds(parts, opts));

  const versions = [];
  if (python.version) versions.push(['Python', python.version]);
  if (nginx.version) versions.push(['nginx', nginx.version]);
  versions.push([loadgen.tool, loadgen.version ?? '?']);
  for (const [pkg, label] of [['sirv-cli', 'sirv-cli'], ['http-server', 'http-server']]) {
    const p = peers.get(pkg) ?? peerBin(peersPrefix, pkg, pkg === 'sirv-cli' ? 'sirv' : pkg);
    if (p?.version) versions.push([label, p.version]);
  }
  const simple = defs.find((d) => d.name === 'simplehttp');
  const rev = simple || baseline ? gitRev() : null;
  if (simple?.version) versions.push(['simplehttp', `${simple.version} (${rev})`]);
  const baseDef = defs.find((d) => d.name === 'simplehttp-baseline');
  if (baseDef) {
    versions.push(['simplehttp-baseline', baseDef.version]);
    notes.push(
      `Baseline: \`simplehttp-baseline\` is ${baseline.cli} (${baseline.commit ? `commit ${baseline.commit}${baseline.dirty ? ' + uncommitted src changes' : ''}` : 'not a git checkout'}${baseline.version ? `, version ${baseline.version}` : ''}), ` +
        `started exactly as \`simplehttp\` (this checkout, ${rev}: same arguments, same pinning) and measured right after it${opts.rounds > 1 ? ' in every round' : ''}; the ratios simplehttp / simplehttp-baseline are under the table.`,
    );
  } else if (baseline) {
    notes.push(`--baseline ${baseline.dir} was given, but --only ${opts.only.join(',')} leaves out simplehttp-baseline, so it was not measured.`);
  }

  const rel = path.relative(process.cwd(), fileURLToPath(import.meta.url)) || 'bench/run.mjs';
  const cmd = ['node', rel, ...process.argv.slice(2)].map(shellQuote).join(' ');
  const results = {
    startedAt: started.toISOString().replace(/\.\d+Z$/, 'Z'),
    finishedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    command: process.env.npm_lifecycle_event === 'bench' ? `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).map(shellQuote).join(' ')}` : ''} (${cmd})` : cmd,
    options: { duration: opts.duration, warmup: opts.warmup, runs: opts.runs, rounds: opts.rounds, starts: opts.starts, only: opts.only, cells: opts.cells, noInstall: opts.noInstall, loadgen: loadgen.tool, baseline: baseline?.dir ?? null },
    baseline: baseline ? { dir: baseline.dir, cli: baseline.cli, version: baseline.version, commit: baseline.commit, dirty: baseline.dirty, measured: Boolean(baseDef) } : null,
    machine: {
      cpuModel: cpuModel(),
      cores,
      memGiB: (os.totalmem() / 2 ** 30).toFixed(0),
      os: `${os.type()} ${os.release()} ${os.arch()}`,
      node: process.version,
      versions,
      pinning,
    },
    loadgen: {
      tool: loadgen.tool,
      version: loadgen.version ?? null,
      description: describeLoad(ctx, '50', opts.duration) + ' (cell d: 4 connections; cells b, g, h, i and j add their request headers with -H, see Scenarios' + (loadgen.tool === 'wrk' ? '; -s report.lua only prints exact totals at the end)' : ')') + (opts.warmup > 0 ? `; each cell preceded by ${opts.warmup} s of the same load, not measured` : ''),
    },
    notes,
    servers,
  };
  const busy = servers.flatMap((s) => Object.entries(s.cells).filter(([, c]) => c.median?.foreignCpuPct >= BUSY_PCT).map(([id]) => `${s.name} ${id}`));
  if (busy.length) {
    notes.unshift(
      `**Busy machine**: other processes used >= ${BUSY_PCT}% of a CPU during ${busy.length} cell(s) (${busy.join(', ')}); those numbers are not trustworthy, rerun on a quiet machine.`,
    );
  }
  const md = renderMarkdown(results, CELLS);
  process.stdout.write(`\n${md}\n`);
  fs.mkdirSync(resultsDir, { recursive: true });
  const base = stamp(started);
  writeAtomic(path.join(resultsDir, `${base}.md`), md);
  writeAtomic(path.join(resultsDir, 'latest.md'), md);
  const json = JSON.stringify(results, null, 2) + '\n';
  writeAtomic(path.join(resultsDir, `${base}.json`), json);
  writeAtomic(path.join(resultsDir, 'latest.json'), json);
  log(`wrote ${path.relative(process.cwd(), path.join(resultsDir, `${base}.md`))}, latest.md, latest.json`);
  if (live.size) log(`warning: ${live.size} process(es) still registered at the end; killing them`);
  return 0;
}

let code = 1;
try {
  code = await main();
} catch (e) {
  process.stderr.write(`bench failed: ${e.stack ?? e}\n`);
  code = 1;
} finally {
  if (currentServer) await stopProcess(currentServer.handle, { signal: currentServer.handle.stopSignal ?? 'SIGTERM', mainPid: currentServer.handle.mainPid }).catch(() => {});
  killAllSync();
  removeTmp();
}
process.exitCode = code;
