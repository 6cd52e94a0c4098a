import { itemize } from '../push/itemize.js';
import type { RemoteEntry } from '../push/types.js';
import type { RemoteItem } from './types.js';

/** What pull decided for one remote item, given what is already in the local folder. */
export interface PullDecision {
  /** rsync's -i code, null when the local copy is up to date. */
  code: string | null;
  /** The content must be fetched. */
  transfer: boolean;
  /** Only the local mtime differs (-c found the same content): set it, fetch nothing. */
  setTime: boolean;
  /** Mode for the written file: the local file's when it exists, else the remote's less the umask. */
  mode: number;
}

export interface DecideOptions {
  checksum: boolean;
  /** -c verdict for an equal-size file: same content locally and remotely. */
  sameContent?: boolean;
  umask: number;
}

/**
 * Compares a remote item with its local copy (`local` from lstat, undefined when absent) by
 * rsync's quick check (size and whole-second mtime; -c: content), with push's itemize letters
 * seen from the receiving side. Directories are only created, never itemized once they exist.
 */
export function decidePull(remote: RemoteItem, local: RemoteEntry | undefined, opts: DecideOptions): PullDecision {
  if (remote.type === 'dir') {
    const exists = local?.type === 'dir';
    return { code: exists ? null : 'cd+++++++++', transfer: false, setTime: false, mode: 0o755 & ~opts.umask };
  }
  const existing = local?.type === 'file' ? local : undefined;
  const d = itemize({
    local: { type: 'file', size: remote.size, mtime: remote.mtime },
    remote: local,
    // The local mode is kept (like rsync without -p), so it is never reported as a change.
    wantMode: local?.mode ?? 0,
    checksum: opts.checksum,
    sameContent: opts.sameContent,
  });
  return {
    code: d.code,
    transfer: d.transfer,
    setTime: !d.transfer && d.setTime,
    mode: existing ? existing.mode & 0o777 : remote.mode & 0o777 & ~opts.umask,
  };
}
