import type { HostEvent } from '../ops/events.js';
import type { FlowGate } from '../ops/flow.js';
import { gateProcessStreams } from '../render/gated-streams.js';
import type { HostResult } from '../ops/result.js';
import { shouldColor } from '../render/colors.js';
import { createGatherRenderer } from '../render/gather.js';
import { createJsonRenderer } from '../render/json.js';
import { createOutDirRenderer } from '../render/out-dir.js';
import { createProgress } from '../render/progress.js';
import { createStreamRenderer } from '../render/stream.js';
import { formatSummary } from '../render/summary.js';
import type { Renderer } from '../render/types.js';
import type { OutputOptions } from './fleet-options.js';

/** The renderer chosen by the output flags, plus progress and the closing summary. */
export interface Output {
  emit(event: HostEvent): void;
  /** Closed while stdout or stderr has more queued than it takes (see FlowGate). */
  flow: FlowGate;
  finish(results: readonly HostResult[], extraSummary?: string): Promise<void>;
  /** Text for stdout after the hosts are done (push --diff), clear of the progress line. */
  write?(text: string): void;
  /** A line of isuops's own on stderr while the run goes on (Ctrl-C), clear of the progress line. */
  say?(line: string): void;
}

export function createOutput(opts: OutputOptions, hosts: readonly string[]): Output {
  const gated = gateProcessStreams();
  const { flow } = gated;
  const progress = createProgress(gated.streams, opts.json || opts.outDir || opts.gather ? hosts.length : 0);
  // Everything printed during the run goes around the progress line.
  const { streams } = progress;
  const color = shouldColor(opts.color, streams.stdout.isTTY);
  const started = Date.now();
  // --json stands alone (commander refuses it with -b or --out-dir); --out-dir with -b does both.
  const renderers: Renderer[] = [];
  if (opts.json) renderers.push(createJsonRenderer(streams));
  if (opts.outDir) renderers.push(createOutDirRenderer(opts.outDir, hosts));
  if (opts.gather) renderers.push(createGatherRenderer(streams, { hosts, color }));
  if (renderers.length === 0) renderers.push(createStreamRenderer(streams, { hosts, color }));
  const renderer = renderers.length === 1 ? renderers[0] : allOf(renderers);
  return {
    flow,
    write: (text) => streams.stdout.write(text),
    say: (line) => progress.say(line),
    emit(event: HostEvent): void {
      renderer.handle(event);
      progress.handle(event);
    },
    async finish(results: readonly HostResult[], extraSummary = ''): Promise<void> {
      progress.clear();
      await renderer.finish(results);
      if (!opts.quiet) streams.stderr.write(formatSummary(results, Date.now() - started, extraSummary));
    },
  };
}

/** Renderers that each get every event, and finish in turn. */
function allOf(renderers: readonly Renderer[]): Renderer {
  return {
    handle(event: HostEvent): void {
      for (const r of renderers) r.handle(event);
    },
    async finish(results: readonly HostResult[]): Promise<void> {
      for (const r of renderers) await r.finish(results);
    },
  };
}
