import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { quoteCommand } from '../../remote/quote.js';
import type { HostSession } from '../../transport/types.js';
import type { Sftp } from '../sftp/sftp-async.js';
import { describeReaderError, describeSftpReadError } from './pull-error.js';
import { fsName } from '../../core/byte-names.js';

/** How one file is read on the host. */
export interface ReadMode {
  sudo: boolean;
  gzip: boolean;
}

/** The remote reader of one file: `cat` or `gzip -1 -c` (fast level: it must outrun the link), maybe via sudo -n. */
export function buildReadCommand(p: string, mode: ReadMode): string {
  const reader = mode.gzip ? ['gzip', '-1', '-c', '--', p] : ['cat', '--', p];
  return quoteCommand(mode.sudo ? ['sudo', '-n', '--', ...reader] : reader);
}

/**
 * Streams one remote file into `temp` through an exec channel (gunzipped on the way with
 * --gzip); back-pressure reaches the host through the channel window, so nothing is held whole.
 * Resolves to the bytes written; rejects with the host's message, or on abort.
 */
export async function fetchWithExec(session: HostSession, p: string, temp: string, mode: ReadMode, signal: AbortSignal): Promise<number> {
  const stderr: Buffer[] = [];
  let code: number | null = null;
  let piped!: Promise<Error | undefined>;
  let closed!: Promise<void>;
  // A deep local buffer: the 16 KiB default pauses the channel (and the host) on every disk hiccup.
  const out = createWriteStream(fsName(temp), { flags: 'wx', mode: 0o600, highWaterMark: 1024 * 1024 });
  await session.exec(buildReadCommand(p, mode), (ch) => {
    ch.stderr.on('data', (c: Buffer) => stderr.length < 16 && stderr.push(c));
    ch.on('exit', (c: number | null) => {
      code = c;
    });
    closed = new Promise((resolve) => ch.once('close', () => resolve()));
    // A local failure (disk full) or Ctrl-C leaves bytes queued in the channel: ssh2 emits its
    // 'close' only after its 'end', so it is drained and closed here, or the pipeline would wait
    // for it forever (and the host's reader stay blocked on a full window).
    const abandon = (): void => {
      ch.unpipe();
      ch.resume();
      ch.close();
    };
    out.once('error', abandon);
    signal.addEventListener('abort', abandon, { once: true });
    piped = (mode.gzip ? pipeline(ch, createGunzip(), out, { signal }) : pipeline(ch, out, { signal })).then(
      () => undefined,
      (err: Error) => {
        abandon();
        return err;
      },
    );
    void closed.then(() => signal.removeEventListener('abort', abandon));
    ch.end();
  }).catch((err) => {
    out.destroy();
    throw err;
  });
  const failure = await piped;
  if (signal.aborted) throw signal.reason;
  await closed;
  if (failure && isLocalFailure(failure)) throw failure;
  if (code !== 0) throw describeReaderError(Buffer.concat(stderr).toString('utf8'), p, code);
  if (failure) throw failure;
  return out.bytesWritten;
}

// A failure of the local file (a system call's: ENOSPC on write...), as opposed to the stream's
// (a cut gzip stream: the host's reader failed, and its stderr says why).
function isLocalFailure(err: Error): boolean {
  return typeof (err as { syscall?: unknown }).syscall === 'string';
}

/**
 * Reads one (small) file over the host's SFTP session, then writes it to `temp` (new, 0600);
 * resolves to its size. writeFile checks every write (ssh2's fastGet ignores short ones and
 * commits a truncated file on a full disk), so ENOSPC rejects here.
 */
export async function fetchWithSftp(sftp: Sftp, p: string, temp: string): Promise<number> {
  let data: Buffer;
  try {
    data = await sftp.readFile(p);
  } catch (err) {
    throw describeSftpReadError(err, p);
  }
  await writeFile(fsName(temp), data, { flag: 'wx', mode: 0o600 });
  return data.length;
}
