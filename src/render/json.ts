import type { HostEvent } from '../ops/events.js';
import type { HostResult } from '../ops/result.js';
import type { Renderer, RenderStreams } from './types.js';

/**
 * --json for exec-like commands: one NDJSON object per host when it is done, the result's
 * fields plus `stdout` and `stderr` (each line ended by `\n`; bytes that are not UTF-8 become U+FFFD).
 */
export function createJsonRenderer(streams: RenderStreams): Renderer {
  const buffers = new Map<string, { stdout: Buffer[]; stderr: Buffer[] }>();
  const bufferFor = (host: string): { stdout: Buffer[]; stderr: Buffer[] } => {
    let entry = buffers.get(host);
    if (!entry) buffers.set(host, (entry = { stdout: [], stderr: [] }));
    return entry;
  };
  return {
    handle(event: HostEvent): void {
      if (event.type === 'stdout' || event.type === 'stderr') {
        bufferFor(event.host)[event.type].push(Buffer.concat([event.line, NEWLINE]));
      } else if (event.type === 'done') {
        const entry = bufferFor(event.host);
        const { host, ok, status, exitCode, signal, timedOut, error, durationMs, ...extra } = event.result;
        const object = {
          host, ok, status, exitCode, signal, timedOut, error,
          stdout: Buffer.concat(entry.stdout).toString('utf8'),
          stderr: Buffer.concat(entry.stderr).toString('utf8'),
          durationMs,
          ...extra,
        };
        buffers.delete(event.host);
        streams.stdout.write(`${JSON.stringify(object)}\n`);
      }
    },
    async finish(_results: readonly HostResult[]): Promise<void> {},
  };
}

const NEWLINE = Buffer.from('\n');
