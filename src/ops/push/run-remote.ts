import { quoteCommand } from '../../remote/quote.js';
import type { HostSession } from '../../transport/types.js';

/** The captured outcome of a helper command that push runs (not shown to the user as output). */
export interface RemoteRun {
  code: number | null;
  stdout: Buffer;
  stderr: Buffer;
}

/**
 * Runs argv (every word quoted: paths are data) on the host, optionally through `sudo -n`,
 * feeding `stdin`, and collects its output.
 */
export async function runRemote(session: HostSession, argv: readonly string[], opts: { sudo?: boolean; stdin?: Buffer } = {}): Promise<RemoteRun> {
  const words = opts.sudo ? ['sudo', '-n', '--', ...argv] : [...argv];
  return runScript(session, quoteCommand(words), opts.stdin ? [opts.stdin] : undefined);
}

/** The first line of a helper's stderr, for error messages. */
export function firstLine(buf: Buffer): string {
  return buf.toString('utf8').split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
}

/**
 * Runs an already quoted `command`, feeding it `input` chunk by chunk (at the channel's pace;
 * stops feeding if the command ends first), and collects its output and exit code.
 */
export async function runScript(session: HostSession, command: string, input?: AsyncIterable<Buffer> | Iterable<Buffer>): Promise<RemoteRun> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let code: number | null = null;
  let closed!: Promise<void>;
  let isClosed = false;
  // Listeners go on synchronously: a quick command's exit and close can come with the open.
  const channel = await session.exec(command, (ch) => {
    ch.on('data', (c: Buffer) => out.push(c));
    ch.stderr.on('data', (c: Buffer) => err.push(c));
    ch.on('exit', (c: number | null) => {
      code = c;
    });
    closed = new Promise((resolve) =>
      ch.once('close', () => {
        isClosed = true;
        resolve();
      }),
    );
  });
  if (input) {
    for await (const chunk of input) {
      if (isClosed) break;
      if (!channel.write(chunk)) await Promise.race([new Promise((resolve) => channel.once('drain', resolve)), closed]);
    }
  }
  if (!isClosed) channel.end();
  await closed;
  return { code, stdout: Buffer.concat(out), stderr: Buffer.concat(err) };
}
