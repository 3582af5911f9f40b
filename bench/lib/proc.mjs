// Process helpers: spawning pinned servers, process trees from /proc, RSS,
// port readiness and ownership, and stopping without leaving anything behind.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Absolute path of an executable on PATH (plus the sbin dirs), or null. */
export function which(name) {
  const dirs = (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin', '/usr/local/sbin']);
  for (const d of dirs) {
    if (!d) continue;
    const p = path.join(d, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {}
  }
  return null;
}

/** Run a short command synchronously; returns {ok, code, out} (stdout+stderr), bounded by timeoutMs. */
export function runSync(cmd, args, { timeoutMs = 15_000, env } = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: timeoutMs, env: env ?? process.env });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  return { ok: r.status === 0 && !r.error, code: r.status, signal: r.signal, error: r.error, out };
}

/** Map pid -> {ppid, state} for every process in /proc. */
function procTable() {
  const table = new Map();
  let entries = [];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return table;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      table.set(Number(e), { state: rest[0], ppid: Number(rest[1]) });
    } catch {}
  }
  return table;
}

/** rootPid and all its live descendants (bounded by the process table). */
export function processTree(rootPid) {
  const table = procTable();
  const out = [];
  if (!table.has(rootPid)) return out;
  const children = new Map();
  for (const [pid, { ppid }] of table) {
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(pid);
  }
  const queue = [rootPid];
  const seen = new Set();
  while (queue.length && seen.size < 10_000) {
    const p = queue.shift();
    if (seen.has(p)) continue;
    seen.add(p);
    out.push(p);
    for (const c of children.get(p) ?? []) queue.push(c);
  }
  return out;
}

/** True if pid exists and is not a zombie. */
export function alive(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    try {
      process.kill(pid, 0);
      return true;
    } catch (e) {
      return e.code === 'EPERM';
    }
  }
}

/** VmRSS in KiB of one pid (0 if unknown). */
export function rssKiB(pid) {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Sum of VmRSS over a process and its descendants (nginx workers, cluster workers). */
export function treeRss(rootPid) {
  const pids = processTree(rootPid);
  return { kib: pids.reduce((s, p) => s + rssKiB(p), 0), pids };
}

/** Socket inodes listening on TCP `port` (IPv4 and IPv6 tables). */
function listeningInodes(port) {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set();
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text;
    try {
      text = fs.readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      const [, local] = cols[1].split(':');
      if (local === hexPort && cols[3] === '0A') inodes.add(cols[9]);
    }
  }
  return inodes;
}

/**
 * Whether the listener on `port` belongs to rootPid's process tree.
 * Returns true/false, or null when /proc can't tell (then the caller trusts the port).
 */
export function portOwnedBy(port, rootPid) {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return null;
  for (const pid of processTree(rootPid)) {
    let fds;
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m && inodes.has(m[1])) return true;
      } catch {}
    }
  }
  return false;
}

/** A free loopback TCP port (asked from the kernel, then released). */
export function freePort(exclude = new Set()) {
  return new Promise((resolve, reject) => {
    let tries = 0;
    const attempt = () => {
      const srv = net.createServer();
      srv.unref();
      srv.on('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const { port } = srv.address();
        srv.close(() => {
          if (exclude.has(port) && ++tries < 20) attempt();
          else resolve(port);
        });
      });
    };
    attempt();
  });
}

function tryConnect(port, timeoutMs) {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    const done = (ok) => {
      clearTimeout(t);
      s.destroy();
      resolve(ok);
    };
    const t = setTimeout(() => done(false), timeoutMs);
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/**
 * Wait (bounded) until 127.0.0.1:port accepts connections. Throws if the
 * server process exits first or the deadline passes.
 */
export async function waitForPort(port, handle, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (handle.exited) {
      throw new Error(`exited (code ${handle.exitCode ?? '?'}${handle.exitSignal ? `, ${handle.exitSignal}` : ''}) before listening`);
    }
    if (await tryConnect(port, 500)) return;
    await sleep(100);
  }
  throw new Error(`did not accept connections on port ${port} within ${timeoutMs / 1000} s`);
}

/** Every server/loader we started and have not yet seen stopped: pid -> handle. */
export const live = new Map();

/**
 * Spawn a long-running process in its own process group (so Ctrl-C in the
 * terminal reaches only us and we decide how it's stopped).
 * `pin` is a CPU list for taskset, or null.
 */
export function startProcess(cmd, args, { pin = null, stdout = 'ignore', stderr = 'ignore', cwd, env, name } = {}) {
  const file = pin != null ? 'taskset' : cmd;
  const argv = pin != null ? ['-c', String(pin), cmd, ...args] : args;
  const child = spawn(file, argv, { cwd, env: env ?? process.env, stdio: ['ignore', stdout, stderr], detached: true });
  const handle = {
    name,
    child,
    pid: child.pid,
    exited: false,
    exitCode: null,
    exitSignal: null,
    commandLine: [file, ...argv].map(shellQuote).join(' '),
  };
  handle.exitPromise = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      handle.exited = true;
      handle.exitCode = code;
      handle.exitSignal = signal;
      live.delete(handle.pid);
      resolve();
    });
    child.once('error', (err) => {
      handle.exited = true;
      handle.spawnError = err;
      live.delete(handle.pid);
      resolve();
    });
  });
  if (child.pid) live.set(child.pid, handle);
  return handle;
}

function signalPid(pid, sig) {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stop a server started with startProcess: `signal` (SIGTERM; nginx: SIGQUIT
 * to the master pid from its pid file) to `mainPid`, wait up to graceMs for
 * the whole tree to go, then SIGKILL every pid left (and the process group).
 */
export async function stopProcess(handle, { signal = 'SIGTERM', mainPid, graceMs = 3000 } = {}) {
  if (!handle?.pid) return;
  const target = mainPid ?? handle.pid;
  const tree = new Set([...processTree(handle.pid), ...processTree(target)]);
  if (!handle.exited) signalPid(target, signal);
  const deadline = Date.now() + graceMs;
  const anyAlive = () => !handle.exited || [...tree].some((p) => alive(p));
  while (Date.now() < deadline && anyAlive()) await sleep(50);
  if (anyAlive()) {
    for (const p of processTree(handle.pid)) tree.add(p);
    for (const p of tree) if (alive(p)) signalPid(p, 'SIGKILL');
    signalPid(-handle.pid, 'SIGKILL'); // the process group, for anything reparented
    const killDeadline = Date.now() + 2000;
    while (Date.now() < killDeadline && anyAlive()) await sleep(50);
  }
  live.delete(handle.pid);
}

/** Last-resort synchronous kill of everything still registered (process 'exit'). */
export function killAllSync() {
  for (const [pid] of live) {
    for (const p of processTree(pid)) signalPid(p, 'SIGKILL');
    signalPid(-pid, 'SIGKILL');
    signalPid(pid, 'SIGKILL');
  }
  live.clear();
}

export function shellQuote(s) {
  s = String(s);
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

let clkTck = null;
function ticksPerSecond() {
  if (clkTck == null) {
    const r = runSync('getconf', ['CLK_TCK'], { timeoutMs: 5000 });
    clkTck = r.ok && Number(r.out.trim()) > 0 ? Number(r.out.trim()) : 100;
  }
  return clkTck;
}

function pidTicks(pid, withChildren = false) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // f[0] is field 3 (state): utime=14, stime=15, cutime=16, cstime=17
    let t = Number(f[11]) + Number(f[12]);
    if (withChildren) t += Number(f[13]) + Number(f[14]);
    return t;
  } catch {
    return 0;
  }
}

/**
 * CPU accounting snapshot, to tell how much CPU *other* processes used during
 * a measurement (a busy machine makes the numbers meaningless).
 * busy = user+nice+system+steal from /proc/stat (irq/softirq excluded: loopback
 * traffic is accounted there); ours = the server tree + this process and its
 * reaped children (the load generator once it has exited).
 */
export function cpuSnapshot(serverPid) {
  try {
    const cols = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq = 0, softirq = 0, steal = 0] = cols;
    const server = processTree(serverPid).reduce((s, p) => s + pidTicks(p), 0);
    return { t: process.hrtime.bigint(), busy: user + nice + system + irq + softirq + steal, steal, ours: server + pidTicks(process.pid, true) };
  } catch {
    return null;
  }
}

/** Percent of one CPU used by processes other than ours between two snapshots (null if unknown). */
export function foreignCpuPct(a, b) {
  if (!a || !b) return null;
  const secs = Number(b.t - a.t) / 1e9;
  if (secs <= 0) return null;
  const foreign = b.busy - a.busy - (b.ours - a.ours);
  return Math.max(0, (foreign / ticksPerSecond() / secs) * 100);
}
