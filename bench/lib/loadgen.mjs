// Load generators: wrk (preferred) and autocannon (fallback). Both return
// { rps, mibps, p50ms, p99ms, requests, durationS, errors: {connect, read,
//   write, timeout}, non2xx3xx, tool, command, raw }.
import fs from 'node:fs';
import path from 'node:path';
import { startProcess, stopProcess, shellQuote } from './proc.mjs';

// wrk's done() hook prints exact numbers as one JSON line; the plain text
// summary is parsed too, as a fallback and a cross-check.
const WRK_LUA = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"duration_us":%d,"requests":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.2f}\\n',
    summary.duration, summary.requests, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
`;

export function writeWrkScript(dir) {
  const p = path.join(dir, 'report.lua');
  fs.writeFileSync(p, WRK_LUA);
  return p;
}

const TIME_UNITS = { us: 1e-3, ms: 1, s: 1e3, m: 60e3, h: 3600e3 };
const BYTE_UNITS = { B: 1 / 1048576, KB: 1 / 1024, MB: 1, GB: 1024, TB: 1048576 };

/** Parse wrk's human-readable output (used when the JSON line is missing). */
export function parseWrkText(text) {
  const num = (re) => {
    const m = re.exec(text);
    return m ? Number(m[1]) : null;
  };
  const time = (pct) => {
    const m = new RegExp(`^\\s+${pct}%\\s+([\\d.]+)(us|ms|s|m|h)\\s*$`, 'm').exec(text);
    return m ? Number(m[1]) * TIME_UNITS[m[2]] : null;
  };
  const t = /Transfer\/sec:\s+([\d.]+)([KMGT]?B)/.exec(text);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const total = /(\d+) requests in ([\d.]+)(us|ms|s|m|h)/.exec(text);
  return {
    rps: num(/Requests\/sec:\s+([\d.]+)/),
    mibps: t ? Number(t[1]) * BYTE_UNITS[t[2]] : null,
    p50ms: time(50),
    p99ms: time(99),
    requests: total ? Number(total[1]) : null,
    durationS: total ? (Number(total[2]) * TIME_UNITS[total[3]]) / 1000 : null,
    errors: sock
      ? { connect: +sock[1], read: +sock[2], write: +sock[3], timeout: +sock[4] }
      : { connect: 0, read: 0, write: 0, timeout: 0 },
    non2xx3xx: num(/Non-2xx or 3xx responses:\s+(\d+)/) ?? 0,
  };
}

export function parseWrk(text) {
  const parsed = parseWrkText(text);
  const m = /^WRK_JSON (\{.*\})\s*$/m.exec(text);
  if (m) {
    try {
      const j = JSON.parse(m[1]);
      const secs = j.duration_us / 1e6;
      return {
        rps: j.requests / secs,
        mibps: j.bytes / secs / 1048576,
        p50ms: j.p50_us / 1000,
        p99ms: j.p99_us / 1000,
        requests: j.requests,
        durationS: secs,
        errors: { connect: j.connect, read: j.read, write: j.write, timeout: j.timeout },
        non2xx3xx: j.status,
      };
    } catch {}
  }
  return parsed;
}

/** Run one bounded load and return parsed numbers (throws if nothing parseable). */
export async function runLoad(ctx, { url, connections, durationS, headers = [] }) {
  let file, args;
  if (ctx.loadgen.tool === 'wrk') {
    file = ctx.loadgen.bin;
    args = ['-t1', `-c${connections}`, `-d${durationS}s`, '--latency', '-s', ctx.loadgen.script];
    for (const h of headers) args.push('-H', h);
    args.push(url);
  } else {
    file = process.execPath;
    args = [ctx.loadgen.bin, '-c', String(connections), '-d', String(durationS), '-j', '-n'];
    for (const h of headers) args.push('-H', h.replace(/:\s*/, '='));
    args.push(url);
  }
  const handle = startProcess(file, args, { pin: ctx.clientCpu, stdout: 'pipe', stderr: 'pipe', name: ctx.loadgen.tool });
  if (ctx.onLoader) ctx.onLoader(handle);
  let out = '';
  handle.child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
  handle.child.stderr.setEncoding('utf8').on('data', (d) => (out += d));
  const limitMs = (durationS + 30) * 1000;
  const timer = setTimeout(() => stopProcess(handle, { signal: 'SIGTERM', graceMs: 2000 }), limitMs);
  await handle.exitPromise;
  clearTimeout(timer);
  if (ctx.onLoader) ctx.onLoader(null);
  const command = handle.commandLine;
  if (handle.spawnError) throw new Error(`${ctx.loadgen.tool} failed to start: ${handle.spawnError.message}`);
  let r;
  if (ctx.loadgen.tool === 'wrk') {
    r = parseWrk(out);
  } else {
    r = parseAutocannon(out);
  }
  if (r == null || r.rps == null || !Number.isFinite(r.rps)) {
    throw new Error(`${ctx.loadgen.tool} produced no result (exit ${handle.exitCode ?? handle.exitSignal}): ${out.trim().slice(-400)}`);
  }
  return { ...r, tool: ctx.loadgen.tool, command, raw: out };
}

function parseAutocannon(out) {
  const start = out.indexOf('{');
  if (start === -1) return null;
  let j;
  try {
    j = JSON.parse(out.slice(start, out.lastIndexOf('}') + 1));
  } catch {
    return null;
  }
  const secs = j.duration;
  const non = (j.non2xx ?? 0) - (j['3xx'] ?? 0);
  return {
    rps: j.requests.total / secs,
    mibps: j.throughput.total / secs / 1048576,
    p50ms: j.latency.p50,
    p99ms: j.latency.p99,
    requests: j.requests.total,
    durationS: secs,
    errors: { connect: 0, read: j.errors ?? 0, write: 0, timeout: j.timeouts ?? 0 },
    non2xx3xx: Math.max(0, non),
  };
}

export function describeLoad(ctx, connections, durationS, headers = []) {
  const pin = ctx.clientCpu != null ? `taskset -c ${ctx.clientCpu} ` : '';
  const h = headers.map((x) => ` -H ${shellQuote(x)}`).join('');
  if (ctx.loadgen.tool === 'wrk') return `${pin}wrk -t1 -c${connections} -d${durationS}s --latency${h} URL`;
  return `${pin}autocannon -c ${connections} -d ${durationS}${headers.map((x) => ` -H ${shellQuote(x.replace(/:\s*/, '='))}`).join('')} URL`;
}
