import { quoteCommand } from '../../remote/quote.js';
import { remoteScript } from '../../remote/scripts.js';
import type { HostSession } from '../../transport/types.js';
import { PushError } from './push-error.js';
import { firstLine, runScript } from './run-remote.js';

/**
 * The root-side half of --sudo is src/remote/push-install.sh, run as
 * `sudo -n /bin/sh -c SCRIPT isuops OP...`; its header says what each six-word op does.
 */
/** One six-word op of the sudo script. */
export type SudoOp = [kind: 'P' | 'F' | 'G' | 'L' | 'D' | 'A' | 'X' | 'R' | 'T' | 'M' | 'S', src: string, dst: string, mode: string, owner: string, mtime: string];

// sshd hands the whole command to the shell as one argument; Linux caps one argument at 128 KiB.
export const MAX_COMMAND = 100_000;

/** The argv (before quoting) that runs `ops` as root; `quoteCommand` turns it into the exec request. */
export function buildSudoArgv(ops: readonly SudoOp[]): string[] {
  return ['sudo', '-n', '--', '/bin/sh', '-c', remoteScript('push-install'), 'isuops', ...ops.flat()];
}

/** Splits `ops` into commands that each fit one exec request; order is kept. */
export function buildSudoCommands(ops: readonly SudoOp[]): string[] {
  const commands: string[] = [];
  let batch: SudoOp[] = [];
  let size = quoteCommand(buildSudoArgv([])).length;
  // A command that continues the ops starts with the P op they were under.
  let trusted: SudoOp | undefined;
  for (const op of ops) {
    const opSize = quoteCommand(op).length + 1;
    if (batch.length > 0 && size + opSize > MAX_COMMAND) {
      commands.push(quoteCommand(buildSudoArgv(batch)));
      batch = trusted && op[0] !== 'P' ? [trusted] : [];
      size = quoteCommand(buildSudoArgv(batch)).length;
    }
    if (op[0] === 'P') trusted = op;
    batch.push(op);
    size += opSize;
  }
  if (batch.length > 0) commands.push(quoteCommand(buildSudoArgv(batch)));
  return commands;
}

/** Mode as the script's chmod takes it: octal digits. */
export function formatMode(mode: number): string {
  return `0${(mode & 0o7777).toString(8)}`;
}

/**
 * The host's one-line error for a root script that failed with stderr line `why`: sudo's own
 * refusal is named as such; `describe` words the script's (or tar's) complaint.
 */
export function rootFailure(why: string, describe: (line: string) => string = (line) => line.replace(/^isuops: /, '')): string {
  return /password is required|a terminal is required/.test(why) ? `sudo -n: ${why}` : describe(why);
}

/** Runs `ops` through the root script, in as many commands as they need; the first failure throws. */
export async function runAsRoot(session: HostSession, ops: readonly SudoOp[]): Promise<void> {
  if (ops.every((op) => op[0] === 'P')) return;
  for (const command of buildSudoCommands(ops)) {
    const run = await runScript(session, command);
    if (run.code !== 0) {
      const why = firstLine(run.stderr) || `exit code ${run.code}`;
      throw new PushError(rootFailure(why));
    }
  }
}
