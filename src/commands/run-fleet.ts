import { exitCodeFor } from '../exit-code.js';
import type { Emit } from '../ops/events.js';
import type { FlowGate } from '../ops/flow.js';
import type { HostResult } from '../ops/result.js';
import { runOnHosts } from '../ssh/pool.js';
import type { HostSession } from '../ssh/session.js';
import type { FleetOptions, OutputOptions } from './fleet-options.js';
import type { Fleet } from './fleet.js';
import { watchInterrupt } from './interrupt.js';
import { createOutput, type Output } from './output.js';

/** What each host's work gets from the run: Ctrl-C, where events go, and the output's back-pressure. */
export interface RunContext {
  signal: AbortSignal;
  emit: Emit;
  flow: FlowGate;
}

/**
 * The run every fleet command shares: output chosen by the flags, Ctrl-C handling, `work` on every
 * host through the pool, the summary (plus what `after` adds once every host is done), and one exit
 * code. The fleet's jump connections are closed at the end.
 */
export async function runFleet<R extends HostResult>(
  fleet: Fleet,
  opts: FleetOptions & OutputOptions,
  work: (session: HostSession, run: RunContext) => Promise<R>,
  after?: (results: ReadonlyArray<R | HostResult>, output: Output) => string,
): Promise<number> {
  const output = createOutput(opts, fleet.hosts.map((h) => h.name));
  const interrupt = watchInterrupt();
  const run: RunContext = { signal: interrupt.signal, emit: output.emit, flow: output.flow };
  try {
    const results = await runOnHosts(
      fleet.hosts,
      { parallel: opts.parallel, signal: interrupt.signal, emit: output.emit, connectTimeout: opts.connectTimeout, connect: fleet.connect },
      (session) => work(session, run),
    );
    await output.finish(results, after?.(results, output) ?? '');
    return exitCodeFor(results, interrupt.interrupted());
  } finally {
    fleet.close();
  }
}
