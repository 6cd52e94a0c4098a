import type { ScannedTree, TreeScanRequest } from './sftp-scan.js';

/** File attributes as SFTP reports them (times in seconds since the epoch). */
export interface SftpAttrs {
  mode: number;
  uid: number;
  gid: number;
  size: number;
  atime: number;
  mtime: number;
}

/** Attributes to set; only the fields given are changed. */
export interface SftpSetAttrs {
  mode?: number;
  uid?: number;
  gid?: number;
  atime?: number;
  mtime?: number;
}

/** One directory entry (readdir); `attrs` are lstat-like: links are reported as links. */
export interface SftpDirEntry {
  filename: string;
  longname: string;
  attrs: SftpAttrs;
}

/**
 * The promise-based SFTP calls push and pull use. A failed call rejects with an Error whose
 * numeric `code` is the SFTP status (see transport/sftp-errors.ts); once the session is gone every
 * call rejects with SftpSessionLost.
 */
export interface SftpClient {
  lstat(p: string): Promise<SftpAttrs>;
  stat(p: string): Promise<SftpAttrs>;
  readdir(p: string): Promise<SftpDirEntry[]>;
  readlink(p: string): Promise<string>;
  realpath(p: string): Promise<string>;
  mkdir(p: string, attrs: SftpSetAttrs): Promise<void>;
  setstat(p: string, attrs: SftpSetAttrs): Promise<void>;
  lsetstat(p: string, attrs: SftpSetAttrs): Promise<void>;
  /** posix-rename@openssh.com: replaces `to` atomically. */
  rename(from: string, to: string): Promise<void>;
  unlink(p: string): Promise<void>;
  rmdir(p: string): Promise<void>;
  symlink(target: string, linkPath: string): Promise<void>;
  /** Uploads the local file `local` (streamed from disk) as `remote` with `mode`. */
  fastPut(local: string, remote: string, mode: number): Promise<void>;
  /** Downloads `remote` into the local file `local`, created with `mode`. */
  fastGet(remote: string, local: string, mode: number): Promise<void>;
  readFile(p: string): Promise<Buffer>;
  /** Writes `data` as a new file `remote` with `attrs` (mode, times) in two round trips. */
  putBuffer(remote: string, data: Buffer, attrs: SftpSetAttrs & { mode: number }): Promise<void>;
  /**
   * The tree `req` names (see sftp-scan.ts), walked where the SFTP session is: through the daemon
   * that is one request and one compact reply instead of one round trip per directory.
   */
  scanTree(req: TreeScanRequest): Promise<ScannedTree>;
}
