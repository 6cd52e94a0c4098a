import { exitCodeFor } from '../exit-code.js';
import { execOnHost } from '../ops/exec.js';
import { runOnHosts } from '../ssh/pool.js';
import type { FleetOptions, OutputOptions } from './fleet-options.js';
import { prepareFleet } from './fleet.js';
import { watchInterrupt } from './interrupt.js';
import { createOutput } from './output.js';

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
  const fleet = await prepareFleet(opts);
  const { hosts } = fleet;
  // Read before connecting: -I sends the same bytes to every host.
  const stdin = opts.stdin ? await readStdin() : undefined;
  const command = words.join(' ');
  const output = createOutput(opts, hosts.map((h) => h.name));
  const interrupt = watchInterrupt();
  try {
    const results = await runOnHosts(
      hosts,
      { parallel: opts.parallel, signal: interrupt.signal, emit: output.emit, connectTimeout: opts.connectTimeout, connect: fleet.connect },
      (session) => execOnHost(session, { command, sudo: Boolean(opts.sudo), timeoutSec: opts.timeout, stdin, signal: interrupt.signal, emit: output.emit, flow: output.flow }),
    );
    await output.finish(results);
    return exitCodeFor(results, interrupt.interrupted());
  } finally {
    fleet.close();
    interrupt.dispose();
  }
}
