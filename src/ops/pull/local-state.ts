import { lstat } from 'node:fs/promises';
import { toRemoteEntry } from '../push/scan-remote.js';
import type { RemoteEntry } from '../push/types.js';
import { fsName } from '../../core/byte-names.js';

/** What is at a local path now (lstat, whole-second mtime), or undefined when nothing is. */
export async function lstatLocal(p: string): Promise<RemoteEntry | undefined> {
  try {
    const st = await lstat(fsName(p));
    return toRemoteEntry({ mode: st.mode, size: st.size, mtime: Math.floor(st.mtimeMs / 1000), uid: st.uid, gid: st.gid });
  } catch {
    // Missing, or a file where a parent directory should be: either way nothing to compare.
    return undefined;
  }
}
