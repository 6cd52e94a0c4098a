import path from 'node:path';
import { nameToBytes } from '../../core/byte-names.js';
import { randomHex } from '../../ssh/random-pool.js';

/** Temporary name beside `target` (same directory, so the rename is atomic): `.name.isuops-XXXXXX`. */
export function makeTempPath(target: string): string {
  return path.posix.join(path.posix.dirname(target), `.${fitName(path.posix.basename(target))}.isuops-${randomHex(3)}`);
}

// NAME_MAX (255 bytes on Linux filesystems) less the temp's `.` and `.isuops-XXXXXX`.
const NAME_ROOM = 255 - 15;

/** `name` cut (whole characters) to fit a temporary name within NAME_MAX. */
export function fitName(name: string): string {
  if (nameToBytes(name).length <= NAME_ROOM) return name;
  const chars = Array.from(name);
  while (nameToBytes(chars.join('')).length > NAME_ROOM) chars.pop();
  return chars.join('');
}

/** Whether a remote name is one of push's temporaries (left behind only by a killed push). */
export function isTempName(name: string): boolean {
  return /^\..+\.isuops-[0-9a-zA-Z]{6}$/.test(name);
}
