import type { HostEvent } from '../ops/events.js';
import type { HostResult } from '../ops/result.js';
import type { TailLineEvent } from '../ops/tail/events.js';
import { createStreamRenderer } from './stream.js';
import { createBatchedWriter } from './tail-text.js';
import type { Renderer, RenderStreams } from './types.js';

/**
 * `tail --json`: one NDJSON object per followed line on stdout, `{host, target, line, time}`.
 * `line` is UTF-8 text (bytes that are not UTF-8 become U+FFFD); `time` is ISO 8601: the journal
 * entry's time for units, the moment isuops received the line for files. Diagnostics (the
 * follower's stderr, reconnects, failures) stay text on stderr, as without --json.
 */
export function createTailJsonRenderer(streams: RenderStreams, opts: { hosts: readonly string[] }): Renderer {
  const diagnostics = createStreamRenderer(streams, { hosts: opts.hosts, color: false, showTarget: true });
  const out = createBatchedWriter(streams.stdout);
  return {
    handle(event: HostEvent): void {
      if (event.type === 'stdout') {
        const { time } = event as TailLineEvent;
        const object = { host: event.host, target: event.target ?? null, line: event.line.toString('utf8'), time: new Date(time ?? Date.now()).toISOString() };
        out.write([Buffer.from(`${JSON.stringify(object)}\n`)]);
      } else {
        out.flush();
        diagnostics.handle(event);
      }
    },
    async finish(_results: readonly HostResult[]): Promise<void> {
      out.flush();
    },
  };
}
