import type { HostResult } from '../ops/result.js';
import type { TailEvent, TailLineEvent } from '../ops/tail/events.js';
import { createStreamRenderer } from './stream.js';
import { createBatchedWriter, type TailRenderer } from './tail-text.js';
import type { RenderStreams } from './types.js';

/**
 * `tail --json`: one NDJSON object per followed line on stdout, `{host, target, line, time}`.
 * `line` is UTF-8 text (bytes that are not UTF-8 become U+FFFD); `time` is ISO 8601: the journal
 * entry's time for units, the moment isuops received the line for files. Diagnostics (the
 * follower's stderr, reconnects, failures) stay text on stderr, as without --json.
 */
export function createTailJsonRenderer(streams: RenderStreams, opts: { hosts: readonly string[] }): TailRenderer {
  const diagnostics = createStreamRenderer(streams, { hosts: opts.hosts, color: false, showTarget: true });
  const out = createBatchedWriter(streams.stdout);
  const writeObject = (host: string, target: string | null, line: Buffer, time: string): void => {
    out.write([Buffer.from(`${JSON.stringify({ host, target, line: line.toString('utf8'), time })}\n`)]);
  };
  return {
    handle(event: TailEvent): void {
      if (event.type === 'stdout-lines') {
        const time = new Date().toISOString();
        const { lines } = event;
        for (let start = 0; start < lines.length; ) {
          const end = lines.indexOf(10, start) + 1 || lines.length + 1;
          writeObject(event.host, event.target, lines.subarray(start, end - 1), time);
          start = end;
        }
      } else if (event.type === 'stdout') {
        const { time } = event as TailLineEvent;
        writeObject(event.host, event.target ?? null, event.line, new Date(time ?? Date.now()).toISOString());
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
