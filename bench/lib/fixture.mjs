// The benchmark's fixture, in a temp dir: three files of random bytes, a
// 100 KiB JavaScript file with its gzip -9 sidecar, and a 1000-entry directory.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

export const FILES = {
  small: { name: '1k.bin', size: 1024 },
  medium: { name: '100k.bin', size: 100 * 1024 },
  large: { name: '10m.bin', size: 10 * 1024 * 1024 },
};
// Compressible text (cell i): the same bytes in every run, with app.js.gz beside it.
export const JS_FILE = { name: 'app.js', size: 100 * 1024 };
export const JS_GZ_NAME = `${JS_FILE.name}.gz`;
export const LISTING_DIR = 'dir1000';
export const LISTING_ENTRIES = 1000;

// ---- deterministic JavaScript ---------------------------------------------------

/** mulberry32: a small seeded PRNG, so app.js is byte-identical in every run. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VERBS = ['get', 'set', 'load', 'save', 'parse', 'format', 'render', 'update', 'compute', 'resolve', 'validate', 'normalize', 'merge', 'filter', 'sort', 'build', 'create', 'fetch', 'apply', 'reset', 'encode', 'decode', 'schedule', 'collect'];
const NOUNS = ['User', 'Order', 'Invoice', 'Cart', 'Item', 'Session', 'Token', 'Route', 'Widget', 'Layout', 'Theme', 'Locale', 'Price', 'Address', 'Payment', 'Account', 'Report', 'Chart', 'Filter', 'Query', 'Message', 'Channel', 'Upload', 'Preview', 'Profile', 'Setting', 'Badge', 'Column', 'Row', 'Cache'];
const PROPS = ['id', 'name', 'title', 'value', 'count', 'total', 'price', 'qty', 'label', 'status', 'createdAt', 'updatedAt', 'owner', 'tags', 'items', 'width', 'height', 'offset', 'limit', 'locale', 'currency', 'url', 'type', 'enabled', 'visible', 'children', 'parent', 'score', 'weight', 'index'];
const WORDS = ['the', 'a', 'value', 'is', 'not', 'valid', 'for', 'this', 'request', 'when', 'user', 'has', 'no', 'access', 'to', 'resource', 'missing', 'field', 'expected', 'number', 'string', 'object', 'could', 'be', 'loaded', 'from', 'server', 'retry', 'later', 'cannot', 'update', 'while', 'pending', 'changes', 'exist', 'empty', 'list', 'returned'];

function jsText(size, seed = 20261130) {
  const rnd = prng(seed);
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
  const int = (n) => Math.floor(rnd() * n);
  const sentence = (n) => Array.from({ length: n }, () => pick(WORDS)).join(' ');
  const ident = () => `${pick(VERBS)}${pick(NOUNS)}${int(3) === 0 ? pick(NOUNS) : ''}`;
  const prop = () => pick(PROPS);
  const seen = new Map();
  const fresh = () => {
    const base = ident();
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return n ? `${base}${n + 1}` : base;
  };
  const templates = [
    (name) => `/**
 * ${sentence(6 + int(6))}.
 * @param {Array<object>} list
 * @returns {number}
 */
export function ${name}(list, options = {}) {
  const factor = options.factor ?? ${(1 + rnd()).toFixed(2)};
  let sum = 0;
  for (const entry of list) {
    if (!entry || entry.${prop()} <= ${int(10)}) continue;
    sum += entry.${prop()} * factor;
  }
  return Math.round(sum * ${10 ** (1 + int(3))}) / ${10 ** (1 + int(3))};
}
`,
    (name) => `export async function ${name}(${prop()}, { signal } = {}) {
  const response = await fetch(\`/api/${pick(NOUNS).toLowerCase()}s/\${encodeURIComponent(${prop()})}?limit=${10 + int(90)}\`, { signal });
  if (!response.ok) {
    throw new Error('${sentence(4 + int(5))}: ' + response.status);
  }
  const data = await response.json();
  return data.${prop()}.map((x) => ({ ...x, ${prop()}: x.${prop()} ?? ${int(100)} }));
}
`,
    (name) => `export class ${name[0].toUpperCase()}${name.slice(1)} {
  constructor(${prop()}, ${prop()}2 = ${int(50)}) {
    this.${prop()} = ${prop()};
    this.${prop()} = ${prop()}2;
    this.listeners = new Set();
  }

  on(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event) {
    for (const listener of this.listeners) listener(event, this);
  }
}
`,
    (name) => `const ${name} = (state, action) => {
  switch (action.type) {
    case '${pick(NOUNS).toUpperCase()}_${pick(VERBS).toUpperCase()}':
      return { ...state, ${prop()}: action.payload.${prop()}, ${prop()}: ${rnd() < 0.5 ? 'true' : 'false'} };
    case '${pick(NOUNS).toUpperCase()}_${pick(VERBS).toUpperCase()}':
      return { ...state, ${prop()}: state.${prop()}.filter((x) => x.${prop()} !== action.payload.${prop()}) };
    default:
      return state;
  }
};
`,
    (name) => `function ${name}(node, depth = 0) {
  if (depth > ${2 + int(8)} || node == null) return '';
  const parts = [\`<\${node.type} class="${pick(NOUNS).toLowerCase()}-${prop().toLowerCase()}">\`];
  for (const child of node.children ?? []) parts.push(${name}(child, depth + 1));
  parts.push(\`</\${node.type}>\`);
  return parts.join('${rnd() < 0.5 ? '\\n' : ''}');
}
`,
    (name) => `export const ${name} = Object.freeze({
  ${prop()}: '${sentence(2 + int(3))}',
  ${prop()}: ${int(10000)},
  ${prop()}: [${Array.from({ length: 2 + int(5) }, () => int(1000)).join(', ')}],
  ${prop()}: { ${prop()}: ${rnd() < 0.5 ? 'null' : `'${pick(WORDS)}'`}, ${prop()}: ${(rnd() * 100).toFixed(3)} },
});
`,
    (name) => `function ${name}(input) {
  if (typeof input !== 'string') {
    console.warn('${sentence(3 + int(5))}', input);
    return null;
  }
  const match = /^([a-z]+)-(\\d{${1 + int(4)}})$/i.exec(input.trim());
  return match ? { ${prop()}: match[1].toLowerCase(), ${prop()}: Number(match[2]) } : null;
}
`,
  ];
  const parts = ['// app.js: generated by bench/lib/fixture.mjs (deterministic; for the compression cell)\n\'use strict\';\n\n'];
  let total = parts[0].length;
  for (;;) {
    const block = `${pick(templates)(fresh())}\n`;
    if (total + block.length > size - 200) break;
    parts.push(block);
    total += block.length;
  }
  // Fill the rest exactly with a comment of words.
  const rest = size - total;
  let words = '';
  while (words.length < rest) words += `${sentence(8)}.\n * `;
  parts.push(`/* ${words.slice(0, rest - 7)} */\n`);
  const text = parts.join('');
  if (Buffer.byteLength(text) !== size) throw new Error(`app.js is ${Buffer.byteLength(text)} bytes, expected ${size}`);
  return text;
}

/** Create the fixture under `root` (which must exist). */
export function makeFixture(root) {
  for (const { name, size } of Object.values(FILES)) {
    fs.writeFileSync(path.join(root, name), crypto.randomBytes(size));
  }
  // app.js and app.js.gz (gzip level 9, for nginx's gzip_static and any
  // server that serves precompressed sidecars), with the same mtime.
  const js = Buffer.from(jsText(JS_FILE.size));
  const jsPath = path.join(root, JS_FILE.name);
  const gzPath = path.join(root, JS_GZ_NAME);
  fs.writeFileSync(jsPath, js);
  fs.writeFileSync(gzPath, zlib.gzipSync(js, { level: 9 }));
  // Both to the same whole second, so that no clock granularity makes the sidecar look older.
  const t = Math.floor(Date.now() / 1000) - 1;
  fs.utimesSync(jsPath, t, t);
  fs.utimesSync(gzPath, t, t);
  const dir = path.join(root, LISTING_DIR);
  fs.mkdirSync(dir);
  for (let i = 0; i < LISTING_ENTRIES; i++) {
    const n = String(i).padStart(4, '0');
    fs.writeFileSync(path.join(dir, `file-${n}.txt`), `entry ${n}\n`);
  }
  // Make it readable by anyone (nginx workers, servers running as other users).
  fs.chmodSync(root, 0o755);
  fs.chmodSync(dir, 0o755);
  return root;
}
