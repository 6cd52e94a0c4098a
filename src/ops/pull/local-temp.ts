import { unlinkSync } from 'node:fs';
import { chmod, rename, unlink, utimes } from 'node:fs/promises';
import { fsName } from '../../core/byte-names.js';
import { makeTempPath } from '../push/temp-name.js';

// Temporaries being written right now; removed on every way out that runs JS (a second Ctrl-C
// calls process.exit). Only kill -9 can leave one behind, under its hidden `.name.isuops-XXXXXX`.
const live = new Set<string>();
let hooked = false;

function removeLiveTemps(): void {
  for (const p of live) {
    try {
      unlinkSync(fsName(p));
    } catch {
      // Already gone.
    }
  }
  live.clear();
}

/** A fresh temporary name beside `target` (same directory: the final rename is atomic), tracked until settled. */
export function claimTemp(target: string): string {
  if (!hooked) {
    process.once('exit', removeLiveTemps);
    hooked = true;
  }
  const temp = makeTempPath(target);
  live.add(temp);
  return temp;
}

/** Gives the temp its mode and the remote mtime, then renames it over the target. */
export async function commitTemp(temp: string, target: string, mode: number, mtime: number): Promise<void> {
  await chmod(fsName(temp), mode);
  // A Date: Node takes a negative number of seconds (before 1970) for "now".
  await utimes(fsName(temp), new Date(mtime * 1000), new Date(mtime * 1000));
  await rename(fsName(temp), fsName(target));
  live.delete(temp);
}

/** Removes a temp that will not be committed (failed or interrupted fetch). */
export async function discardTemp(temp: string): Promise<void> {
  await unlink(fsName(temp)).catch(() => undefined);
  live.delete(temp);
}
