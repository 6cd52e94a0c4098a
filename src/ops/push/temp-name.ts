import path from 'node:path';
import { randomHex } from '../../ssh/random-pool.js';

/** Temporary name beside `target` (same directory, so the rename is atomic): `.name.isuops-XXXXXX`. */
export function makeTempPath(target: string): string {
  return path.posix.join(path.posix.dirname(target), `.${path.posix.basename(target)}.isuops-${randomHex(3)}`);
}

/** Whether a remote name is one of push's temporaries (left behind only by a killed push). */
export function isTempName(name: string): boolean {
  return /^\..+\.isuops-[0-9a-zA-Z]{6}$/.test(name);
}
