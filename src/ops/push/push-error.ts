import { SFTP_NO_SUCH_FILE, SFTP_PERMISSION_DENIED, sftpCode } from '../sftp/sftp-async.js';

/** A failure on one host while pushing; its message is the host's one-line error. */
export class PushError extends Error {}

/** Turns an SFTP failure on `p` into the host's message: `permission denied: /path`. */
export function describeSftpError(err: unknown, p: string): PushError {
  if (err instanceof PushError) return err;
  const where = (err as { path?: string }).path ?? p;
  const code = sftpCode(err);
  if (code === SFTP_PERMISSION_DENIED) return new PushError(`permission denied: ${where} (try --sudo)`);
  if (code === SFTP_NO_SUCH_FILE) return new PushError(`no such file or directory: ${where}`);
  return new PushError(`${where}: ${(err as Error).message}`);
}

/** A non-empty remote directory where a file goes: it stays, and the host fails with this. */
export function inTheWay(p: string): string {
  return `a directory is in the way of ${p} (empty it, or use --delete)`;
}
