import type { HostEvent } from '../ops/events.js';
import type { RenderStreams } from './types.js';

/**
 * "hosts done / total" on a TTY's stderr, redrawn in place; a no-op in pipes.
 * Used when nothing streams to the terminal (-b, --json, -o).
 */
export function createProgress(streams: RenderStreams, total: number): { handle(event: HostEvent): void; clear(): void } {
  const enabled = Boolean(streams.stderr.isTTY) && total > 1;
  let done = 0;
  let shown = false;
  return {
    handle(event: HostEvent): void {
      if (!enabled || event.type !== 'done') return;
      done += 1;
      streams.stderr.write(`\r\u001b[2Kisuops: ${done}/${total} hosts done`);
      shown = true;
    },
    clear(): void {
      if (shown) streams.stderr.write('\r\u001b[2K');
      shown = false;
    },
  };
}
