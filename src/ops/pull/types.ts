import type { HostResult } from '../result.js';
import type { PushChange } from '../push/types.js';

/** One remote file or directory found by a pull's scan (globs expanded, directories walked). */
export interface RemoteItem {
  /** Absolute path on the host, normalized. */
  path: string;
  type: 'file' | 'dir';
  size: number;
  /** Whole seconds, like rsync's quick check. */
  mtime: number;
  /** Permission bits (& 0o7777). */
  mode: number;
}

/** One itemized line of a pull: rsync's code and the remote path (the same shape as push's). */
export type PullChange = PushChange;

/** A pull host's result: the shared shape plus what came (or, with --dry-run, would come). */
export interface PullResult extends HostResult {
  changed: boolean;
  changes: PullChange[];
  filesReceived: number;
  bytesReceived: number;
  /** The host's own folder, DIR/<host>. */
  localDir: string;
}
