import { mkdirSync, statSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fsName } from '../core/byte-names.js';

/**
 * `mkdir -p` for every directory the project creates. Node's `{ recursive: true }` loops forever
 * (100% CPU, never settling) where mkdir(2) says ENOENT under a parent that exists, as in /proc;
 * this tries each level once, so such a path fails with ENOENT at once. A name that is not UTF-8
 * is made as its bytes (core/byte-names.ts).
 */
export async function makeDirs(dir: string, mode?: number): Promise<void> {
  try {
    await mkdir(fsName(dir), mode === undefined ? {} : { mode });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && (await stat(fsName(dir))).isDirectory()) return;
    const parent = path.dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw err;
    await makeDirs(parent, mode);
    try {
      await mkdir(fsName(dir), mode === undefined ? {} : { mode });
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code === 'EEXIST' && (await stat(fsName(dir))).isDirectory()) return;
      throw again;
    }
  }
}

/** makeDirs, synchronously (the lab's set-up, --out-dir, the V8 cache at exit). */
export function makeDirsSync(dir: string, mode?: number): void {
  try {
    mkdirSync(fsName(dir), mode === undefined ? {} : { mode });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && statSync(fsName(dir)).isDirectory()) return;
    const parent = path.dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw err;
    makeDirsSync(parent, mode);
    try {
      mkdirSync(fsName(dir), mode === undefined ? {} : { mode });
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code === 'EEXIST' && statSync(fsName(dir)).isDirectory()) return;
      throw again;
    }
  }
}
