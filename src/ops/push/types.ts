import type { HostResult } from '../result.js';

/** What push copies: regular files, directories and symlinks (other file types are skipped). */
export type EntryType = 'file' | 'dir' | 'symlink';

/** One local file, directory or symlink of a source, as scanned before connecting. */
export interface LocalEntry {
  /** Path below the source root with `/` separators; '' for the root itself. */
  rel: string;
  localPath: string;
  type: EntryType;
  /** Permission bits (& 0o7777). */
  mode: number;
  size: number;
  /** Whole seconds, like rsync's quick check. */
  mtime: number;
  linkTarget?: string;
}

/** One PATH argument after the local scan; `entries[0]` is the root. */
export interface PushSource {
  /** The argument as given, for messages. */
  arg: string;
  /** Absolute local path. */
  localRoot: string;
  /** The argument ended in `/`: with --dest, its contents go into REMOTE (rsync's trailing slash). */
  contentsOnly: boolean;
  entries: LocalEntry[];
}

/** The remote side of one path, from SFTP lstat/readdir. */
export interface RemoteEntry {
  type: EntryType | 'other';
  mode: number;
  size: number;
  mtime: number;
  uid: number;
  gid: number;
  linkTarget?: string;
}

/** One line of the itemized list: rsync's 11-letter code and the remote path. */
export interface PushChange {
  code: string;
  path: string;
  /** Symlink target, shown as `path -> target`. */
  target?: string;
}

/** A push host's result: the shared shape plus what changed there. */
export interface PushResult extends HostResult {
  /** Something was (or, with --dry-run, would be) changed on this host. */
  changed: boolean;
  changes: PushChange[];
  filesSent: number;
  bytesSent: number;
  /** --then failed after the changes were made (they were: `changed` counts the host). */
  thenFailed?: boolean;
  /** --diff: one unified diff (or a one-line note) per changed file. */
  diffs?: Array<{ path: string; text: string }>;
}

/** Owner wanted by --chown, as numeric ids on one host. */
export interface WantedOwner {
  uid?: number;
  gid?: number;
}
