// Finding (and, unless --no-install, installing) the peers and the load generator.
// Debian packages via apt-get (root only); npm peers into a private prefix
// (bench/.peers), never into the project's own node_modules.
import fs from 'node:fs';
import path from 'node:path';
import { runSync, which } from './proc.mjs';

const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);

let aptUpdated = false;

function aptInstall(pkg) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  log(`installing Debian package: apt-get install -y ${pkg}`);
  let r = runSync('apt-get', ['install', '-y', '-q', pkg], { timeoutMs: 600_000, env });
  if (!r.ok && !aptUpdated) {
    log('apt-get install failed; running apt-get update and retrying');
    aptUpdated = true;
    runSync('apt-get', ['update', '-q'], { timeoutMs: 600_000, env });
    r = runSync('apt-get', ['install', '-y', '-q', pkg], { timeoutMs: 600_000, env });
  }
  if (!r.ok) log(`apt-get install -y ${pkg} failed: ${r.out.trim().split('\n').slice(-2).join(' | ')}`);
  return r.ok;
}

/**
 * Ensure `binary` exists, installing the first Debian package of `pkgs` that
 * installs. Returns { bin, note, installed }.
 */
export function ensureDebian(binary, pkgs, { noInstall }) {
  let bin = which(binary);
  if (bin) return { bin, installed: null, note: null };
  if (noInstall) return { bin: null, note: `${binary} not found (--no-install given)` };
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) return { bin: null, note: `${binary} not found and not root, so not installing (apt-get install -y ${pkgs[0]})` };
  if (!which('apt-get')) return { bin: null, note: `${binary} not found and no apt-get to install it` };
  for (const pkg of pkgs) {
    if (aptInstall(pkg) && (bin = which(binary))) {
      log(`installed ${pkg} (${bin})`);
      return { bin, installed: pkg, note: `installed Debian package ${pkg} for this run` };
    }
  }
  return { bin: null, note: `${binary} not found and apt-get install of ${pkgs.join(' / ')} failed` };
}

/** Path of an npm package's bin script inside the private prefix, or null. */
export function peerBin(prefix, pkgName, binName) {
  const dir = path.join(prefix, 'node_modules', pkgName);
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const rel = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.[binName];
    if (!rel) return null;
    const p = path.join(dir, rel);
    return fs.existsSync(p) ? { bin: p, version: pkg.version } : null;
  } catch {
    return null;
  }
}

/**
 * Ensure npm packages are in `prefix` (npm install --prefix PREFIX spec...).
 * `wanted` is [{ spec, pkg, bin }]. Returns Map pkg -> { bin, version } | { note }.
 */
export function ensureNpmPeers(prefix, wanted, { noInstall }) {
  const result = new Map();
  const missing = wanted.filter((w) => !peerBin(prefix, w.pkg, w.bin));
  if (missing.length && !noInstall) {
    if (!which('npm')) {
      for (const w of missing) result.set(w.pkg, { note: `${w.pkg} not installed and npm not found` });
    } else {
      const specs = missing.map((w) => w.spec);
      log(`installing npm peers: npm install --prefix ${prefix} ${specs.join(' ')}`);
      fs.mkdirSync(prefix, { recursive: true });
      const r = runSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel=error', ...specs], {
        timeoutMs: 300_000,
      });
      if (!r.ok) log(`npm install failed: ${r.out.trim().split('\n').slice(-3).join(' | ')}`);
    }
  }
  for (const w of wanted) {
    if (result.has(w.pkg)) continue;
    const found = peerBin(prefix, w.pkg, w.bin);
    if (found) result.set(w.pkg, found);
    else result.set(w.pkg, { note: noInstall ? `${w.pkg} not in ${prefix} (--no-install given)` : `npm install of ${w.spec} into ${prefix} failed` });
  }
  return result;
}
