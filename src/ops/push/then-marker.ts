import { createHash } from 'node:crypto';
import type { Sftp } from '../sftp/sftp-async.js';
import { debug } from '../../core/debug.js';


/**
 * --then's marker on a host: written when the files were changed and --then is about to run (or
 * could not, Ctrl-C), removed once --then succeeded. A later push with the same --then that finds
 * nothing to change still runs it while the marker is there, so a --then that failed or never ran
 * is not skipped in silence. The path is relative to the login directory (where SFTP starts), one
 * file per command (and --sudo).
 */
export function thenMarkerPath(command: string, sudo: boolean): string {
  const id = createHash('sha256').update(`${sudo ? 'sudo' : 'user'}\0${command}`).digest('hex').slice(0, 16);
  return `.isuops-then-pending-${id}`;
}

/** Whether an earlier push left this --then pending. */
export async function isThenPending(sftp: Sftp, marker: string): Promise<boolean> {
  return sftp.lstat(marker).then(() => true, () => false);
}

/** Leaves the marker (best effort: a home the user cannot write gets no marker, said in the debug log). */
export async function markThenPending(sftp: Sftp, marker: string, command: string): Promise<void> {
  const body = Buffer.from(`# isuops push --then pending since ${new Date().toISOString()}\n${command}\n`);
  await sftp.putBuffer(marker, body, { mode: 0o600 }).catch((err: Error) => debug('--then marker %s not written: %s', marker, err.message));
}

export async function clearThenPending(sftp: Sftp, marker: string): Promise<void> {
  await sftp.unlink(marker).catch(() => undefined);
}
