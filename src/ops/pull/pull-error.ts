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
