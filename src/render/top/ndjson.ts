import type { HostResult } from '../../core/result.js';
import type { TopEvent } from '../../ops/top/events.js';
import { createStreamRenderer } from '../stream.js';
import type { OutStream, RenderStreams } from '../types.js';
import type { TopBoard } from './board.js';
import { sampleObject, tickObjects } from './json.js';

/** A view of top's run: events as they come, a tick every interval, finish once at the end. */
export interface TopView {
  handle(event: TopEvent): void;
  tick(now: number): void;
  finish(results: readonly HostResult[]): Promise<void>;
}

/** NDJSON objects onto `out`: a host's figures as they come, and once per interval a line for each host without any. */
export function createNdjsonWriter(out: OutStream, board: TopBoard): Omit<TopView, 'finish'> {
  return {
    handle(event) {
      if (event.type === 'top-sample') out.write(`${JSON.stringify(sampleObject(event.host, event.time, event.sample))}\n`);
    },
    tick(now) {
      const lines = tickObjects(board.list(), now).map((o) => `${JSON.stringify(o)}\n`);
      if (lines.length > 0) out.write(lines.join(''));
    },
  };
}

/**
 * `top` off a terminal, or with --json: NDJSON on stdout; diagnostics (a host lost, reconnected,
 * failed) as text lines on stderr, as tail --json does.
 */
export function createNdjsonView(streams: RenderStreams, board: TopBoard, hosts: readonly string[]): TopView {
  const writer = createNdjsonWriter(streams.stdout, board);
  const diagnostics = createStreamRenderer(streams, { hosts, color: false });
  return {
    handle(event) {
      if (event.type === 'top-sample') writer.handle(event);
      else if (event.type !== 'top-silent') diagnostics.handle(event);
    },
    tick: writer.tick,
    async finish() {},
  };
}
