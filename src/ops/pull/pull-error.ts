import { SFTP_NO_SUCH_FILE, SFTP_PERMISSION_DENIED, sftpCode } from '../sftp/sftp-async.js';

/** A failure on one path of one host; its message is one line of the host's error. */
export class PullError extends Error {}

/** An SFTP read failure on `p` as the host's message. */
export function describeSftpReadError(err: unknown, p: string): PullError {
  const code = sftpCode(err);
  if (code === SFTP_PERMISSION_DENIED) return new PullError(`permission denied: ${p} (try --sudo)`);
  if (code === SFTP_NO_SUCH_FILE) return new PullError(`no such file or directory: ${p} (gone during the pull)`);
  return new PullError(`${p}: ${(err as Error).message}`);
}

/** The first line of a remote reader's stderr (`cat: /x: Permission denied`) as the host's message. */
export function describeReaderError(stderr: string, p: string, code: number | null): PullError {
  const line = stderr.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
  if (/^sudo: /.test(line)) return new PullError(`sudo -n: ${line.slice(6)}`);
  if (/Permission denied$/.test(line)) return new PullError(`permission denied: ${p} (try --sudo)`);
  if (/No such file or directory$/.test(line)) return new PullError(`no such file or directory: ${p} (gone during the pull)`);
  return new PullError(`${p}: ${line || `reader exited with ${code ?? 'a signal'}`}`);
}

// Local errors that end the host's pull: the next file would fail the same way.
const HALTING: Record<string, string> = { ENOSPC: 'no space left on device', EDQUOT: 'disk quota exceeded', EROFS: 'read-only file system', EIO: 'input/output error' };
const WORDED: Record<string, string> = { ...HALTING, EACCES: 'permission denied', EPERM: 'operation not permitted', EISDIR: 'a directory is in the way', ENOTDIR: 'a file is in the way of a directory', ENAMETOOLONG: 'name too long', EEXIST: 'already exists' };

/**
 * A failure of the local file system while writing `local` (the copy of `remote`), as the
 * host's message: `no space left on device: LOCAL (pulling REMOTE)`; `halt` when no further
 * file should be started. Undefined for errors that are not the local file system's.
 */
export function describeLocalError(err: unknown, local: string, remote: string): { message: string; halt: boolean } | undefined {
  if (err instanceof PullError) return undefined;
  const { code, syscall } = err as { code?: unknown; syscall?: unknown };
  if (typeof code !== 'string' || typeof syscall !== 'string') return undefined;
  return { message: `${WORDED[code] ?? code}: ${local} (pulling ${remote})`, halt: code in HALTING };
}
