import { UsageError } from '../errors.js';
import { execOnHost } from '../ops/exec.js';
import type { FleetOptions, OutputOptions } from './fleet-options.js';
import { prepareFleet } from './fleet.js';
import { runFleet } from './run-fleet.js';

export interface ExecCommandOptions extends FleetOptions, OutputOptions {
  sudo?: boolean;
  timeout?: number;
  stdin?: boolean;
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** `isuops exec CMD...`: runs CMD through the login shell on every host; returns the exit code. */
export async function execCommand(words: string[], opts: ExecCommandOptions): Promise<number> {
  const command = words.join(' ');
  // ssh with an empty command opens a login shell; isuops would run nothing on every host.
  if (command.trim() === '') throw new UsageError('empty command: give the command to run, e.g. isuops exec hostname');
  const fleet = await prepareFleet(opts);
  // Read before connecting: -I sends the same bytes to every host.
  const stdin = opts.stdin ? await readStdin() : undefined;
  return runFleet(fleet, opts, (session, run) => execOnHost(session, { command, sudo: Boolean(opts.sudo), timeoutSec: opts.timeout, stdin, ...run }));
}
