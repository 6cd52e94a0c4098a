import { UsageError } from '../errors.js';
import type { HostResult } from '../core/result.js';
import { FlowGate } from '../ops/flow.js';
import { makeLineFilter } from '../ops/tail/line-filter.js';
import { tailOnHost } from '../ops/tail/tail-host.js';
import { parseTailTargets } from '../ops/tail/targets.js';
import { shouldColor } from '../render/colors.js';
import { gateProcessStreams } from '../render/gated-streams.js';
import { formatSummary } from '../render/summary.js';
import { createTailJsonRenderer } from '../render/tail-json.js';
import { createTailTextRenderer, type TailRenderer } from '../render/tail-text.js';
import type { RenderStreams } from '../render/types.js';
import type { FleetOptions } from './fleet-options.js';
import { prepareFleet } from './fleet.js';
import type { Output } from './output.js';
import { runFleet } from './run-fleet.js';

export interface TailCommandOptions extends FleetOptions {
  lines: number;
  since?: string;
  grep?: string;
  invertMatch?: string;
  sudo?: boolean;
  json?: boolean;
  color: 'auto' | 'always' | 'never';
  quiet?: boolean;
}

/**
 * `isuops tail TARGET...`: follows the targets on every host until Ctrl-C (exit 130), or until
 * every host has ended (unreachable at the start: 255; every follower exited: 1).
 */
export async function tailCommand(targetSpecs: string[], opts: TailCommandOptions, injected?: RenderStreams): Promise<number> {
  // Bad targets and bad expressions end the run before anything connects.
  const targets = parseTailTargets(targetSpecs);
  if (opts.since !== undefined && !targets.some((t) => t.kind === 'unit')) {
    throw new UsageError('--since applies to systemd units only (journalctl --since); for files use -n N');
  }
  if (opts.parallel !== undefined) throw new UsageError('-p does not apply to tail: every host is followed at once');
  const filter = makeLineFilter(opts.grep, opts.invertMatch);
  const fleet = await prepareFleet(opts);
  const names = fleet.hosts.map((h) => h.name);
  // Back-pressure: when stdout cannot keep up, channels pause instead of output piling up here.
  const gated = injected ? undefined : gateProcessStreams();
  const streams = injected ?? gated!.streams;
  const renderer: TailRenderer = opts.json
    ? createTailJsonRenderer(streams, { hosts: names })
    : createTailTextRenderer(streams, { hosts: names, color: shouldColor(opts.color, streams.stdout.isTTY), showTarget: targets.length > 1 });
  const emit = renderer.handle.bind(renderer);
  const started = Date.now();
  const output: Output = {
    emit,
    flow: gated?.flow ?? new FlowGate(),
    async finish(results: readonly HostResult[]): Promise<void> {
      await renderer.finish(results);
      if (!opts.quiet) streams.stderr.write(formatSummary(results, Date.now() - started));
    },
  };
  return runFleet(
    fleet,
    // Every host follows at once: a host waiting for a slot would never get one.
    { ...opts, parallel: Math.max(names.length, 1), color: opts.color },
    (session, run) =>
      tailOnHost(session, {
        targets,
        lines: opts.lines,
        since: opts.since,
        sudo: Boolean(opts.sudo),
        filter,
        signal: run.signal,
        emit,
        flow: gated?.flow,
        connectTimeout: opts.connectTimeout,
        // A dropped host is reached again the same way (ProxyJump, kept connections).
        open: fleet.open,
      }),
    undefined,
    output,
  );
}
