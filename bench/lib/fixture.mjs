// The benchmark's fixture: three files and a 1000-entry directory, in a temp dir.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const FILES = {
  small: { name: '1k.bin', size: 1024 },
  medium: { name: '100k.bin', size: 100 * 1024 },
  large: { name: '10m.bin', size: 10 * 1024 * 1024 },
};
export const LISTING_DIR = 'dir1000';
export const LISTING_ENTRIES = 1000;

/** Create the fixture under `root` (which must exist). */
export function makeFixture(root) {
  for (const { name, size } of Object.values(FILES)) {
    fs.writeFileSync(path.join(root, name), crypto.randomBytes(size));
  }
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
