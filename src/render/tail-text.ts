import type { HostEvent } from '../ops/events.js';
import type { HostResult } from '../ops/result.js';
import { makeHostPainter } from './colors.js';
import { createStreamRenderer } from './stream.js';
import type { Renderer, RenderStreams } from './types.js';

// Lines held before one write: whole lines only, so hosts still never mix inside a line.
const MAX_BATCH_BYTES = 1 << 20;

/**
 * Batches stdout writes: lines handled in the same turn of the event loop (one network read)
 * go out in one write, which is what lets tail keep up with busy hosts.
 */
export function createBatchedWriter(stream: RenderStreams['stdout']): { write(parts: Buffer[]): void; flush(): void } {
  let pending: Buffer[] = [];
  let bytes = 0;
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (pending.length === 0) return;
    const out = Buffer.concat(pending, bytes);
    pending = [];
    bytes = 0;
    stream.write(out);
  };
  return {
    write(parts: Buffer[]): void {
      for (const part of parts) {
        pending.push(part);
        bytes += part.length;
      }
      if (bytes >= MAX_BATCH_BYTES) flush();
      else if (!scheduled) {
        scheduled = true;
        queueMicrotask(flush);
      }
    },
    flush,
  };
}

/**
 * tail's text output: `host: line`, or `host target: line` with several targets; the same
 * form as the stream renderer (padding before the colon on a TTY, a colour per host), with
 * followed lines written in batches. Everything else (stderr lines, notices, retries,
 * failures) is the stream renderer's.
 */
export function createTailTextRenderer(streams: RenderStreams, opts: { hosts: readonly string[]; color: boolean; showTarget: boolean }): Renderer {
  const others = createStreamRenderer(streams, opts);
  const painter = makeHostPainter(opts.hosts, opts.color);
  const width = Math.max(0, ...opts.hosts.map((h) => h.length));
  const tty = Boolean(streams.stdout.isTTY);
  const out = createBatchedWriter(streams.stdout);
  const prefixes = new Map<string, Map<string, Buffer>>();
  const prefixFor = (host: string, target: string): Buffer => {
    let byTarget = prefixes.get(host);
    if (!byTarget) prefixes.set(host, (byTarget = new Map()));
    let prefix = byTarget.get(target);
    if (!prefix) {
      const pad = tty ? ' '.repeat(Math.max(0, width - host.length)) : '';
      const label = opts.showTarget && target ? `${painter.host(host)} ${target}` : painter.host(host);
      byTarget.set(target, (prefix = Buffer.from(`${label}${pad}: `)));
    }
    return prefix;
  };
  return {
    handle(event: HostEvent): void {
      if (event.type === 'stdout') out.write([prefixFor(event.host, event.target ?? ''), event.line, NEWLINE]);
      else {
        // Followed lines already received go out before what is said about the host.
        out.flush();
        others.handle(event);
      }
    },
    async finish(results: readonly HostResult[]): Promise<void> {
      out.flush();
      await others.finish(results);
    },
  };
}

const NEWLINE = Buffer.from('\n');
