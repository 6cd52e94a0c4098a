import { lstat, mkdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { makeDirs } from '../../fs/make-dirs.js';
import { fsName } from '../../core/byte-names.js';

/**
 * Makes directories below a host's folder the way rsync's receiver does (without -K): a
 * symlink found where a directory belongs is replaced by a real directory, never followed, so
 * nothing is written outside the folder through a link left in it. The host's folder itself
 * (the user's --to) is made by makeDirs (mkdir -p). Each directory is seen to once per run.
 */
export function makeLocalDirs(hostDir: string): (dir: string) => Promise<void> {
  const made = new Map<string, Promise<void>>();
  const ensure = (dir: string): Promise<void> => {
    let p = made.get(dir);
    if (!p) {
      p = dir === hostDir || !dir.startsWith(`${hostDir}${path.sep}`) ? makeDirs(dir) : ensure(path.dirname(dir)).then(() => makeOne(dir));
      made.set(dir, p);
    }
    return p;
  };
  return ensure;
}

async function makeOne(dir: string): Promise<void> {
  const st = await lstat(fsName(dir)).catch(() => undefined);
  if (st?.isDirectory()) return;
  // A symlink (to a directory or not) is replaced; a file in the way fails with ENOTDIR below.
  if (st?.isSymbolicLink()) await unlink(fsName(dir));
  await mkdir(fsName(dir)).catch(async (err: NodeJS.ErrnoException) => {
    if (err.code === 'EEXIST' && (await lstat(fsName(dir))).isDirectory()) return;
    if (err.code === 'EEXIST') throw Object.assign(new Error(`ENOTDIR: ${dir}`), { code: 'ENOTDIR', syscall: 'mkdir' });
    throw err;
  });
}
