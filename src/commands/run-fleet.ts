import { exitCodeFor } from '../exit-code.js';
import type { Emit } from '../core/events.js';
import type { HostResult } from '../core/result.js';
import type { FlowGate } from '../ops/flow.js';
import { runOnHosts } from '../transport/run-hosts.js';
import type { HostSession } from '../transport/types.js';
import { DEFAULT_PARALLEL, type FleetOptions, type OutputOptions } from './fleet-options.js';
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
 * The run every fleet command shares (exec, push, pull, tail): output chosen by the flags (or the
 * command's own, as tail's), Ctrl-C handling, `work` on every host through the fleet's transport,
 * the summary (plus what `after` adds once every host is done), and one exit code. What the
 * transport holds for the run (jump connections) is closed at the end.
 */
export async function runFleet<R extends HostResult>(
  fleet: Fleet,
  opts: FleetOptions & OutputOptions,
  work: (session: HostSession, run: RunContext) => Promise<R>,
  after?: (results: ReadonlyArray<R | HostResult>, output: Output) => string,
  ownOutput?: Output,
): Promise<number> {
  const output = ownOutput ?? createOutput(opts, fleet.hosts.map((h) => h.name));
  const interrupt = watchInterrupt(output.say);
  const run: RunContext = { signal: interrupt.signal, emit: output.emit, flow: output.flow };
  try {
    const results = await runOnHosts(
      fleet.hosts,
      { parallel: opts.parallel ?? DEFAULT_PARALLEL, signal: interrupt.signal, emit: output.emit, connectTimeout: opts.connectTimeout, open: fleet.open },
      (session) => work(session, run),
    );
    await output.finish(results, after?.(results, output) ?? '');
    return exitCodeFor(results, interrupt.interrupted());
  } finally {
    fleet.close();
  }
}
