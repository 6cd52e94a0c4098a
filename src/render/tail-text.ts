import { CUT_MARK } from '../ops/events.js';
import type { HostResult } from '../ops/result.js';
import type { TailEvent } from '../ops/tail/events.js';
import { makeHostPainter } from './colors.js';
import { createStreamRenderer } from './stream.js';
import type { Renderer, RenderStreams } from './types.js';

/** A renderer of tail's events, followed lines in bulk included. */
export interface TailRenderer extends Renderer {
  handle(event: TailEvent): void;
}

/** Writes batched output; `writeLines` labels every line of a block (whole lines, each ending in `\n`). */
export interface BatchedWriter {
  write(parts: Buffer[]): void;
  writeLine(prefix: Buffer, line: Buffer): void;
  writeLines(prefix: Buffer, lines: Buffer): void;
  flush(): void;
}

// Lines held before one write: whole lines only, so hosts still never mix inside a line.
const MAX_BATCH_BYTES = 1 << 20;
const MIN_BATCH_BYTES = 1 << 14;

/**
 * Batches stdout writes: lines handled in the same turn of the event loop (every network read
 * of that turn, from every host) are copied into one buffer and go out in one write, which is
 * what lets tail keep up with busy hosts (no per-line arrays or concat). The buffer is sized
 * by the last batch.
 */
export function createBatchedWriter(stream: RenderStreams['stdout']): BatchedWriter {
  let buf = Buffer.allocUnsafe(MIN_BATCH_BYTES);
  let used = 0;
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (used === 0) return;
    // The stream keeps the written bytes until they are out: the next batch gets a new buffer.
    stream.write(buf.subarray(0, used));
    buf = Buffer.allocUnsafe(Math.min(MAX_BATCH_BYTES, Math.max(MIN_BATCH_BYTES, used * 2)));
    used = 0;
  };
  const reserve = (bytes: number): boolean => {
    if (used + bytes > buf.length) flush();
    if (bytes > buf.length) return false;
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
    return true;
  };
  return {
    write(parts: Buffer[]): void {
      let bytes = 0;
      for (const part of parts) bytes += part.length;
      if (!reserve(bytes)) {
        stream.write(Buffer.concat(parts, bytes));
        return;
      }
      for (const part of parts) used += part.copy(buf, used);
      if (used >= MAX_BATCH_BYTES) flush();
    },
    writeLine(prefix: Buffer, line: Buffer): void {
      const bytes = prefix.length + line.length + 1;
      if (!reserve(bytes)) {
        stream.write(Buffer.concat([prefix, line, NEWLINE], bytes));
        return;
      }
      used += prefix.copy(buf, used);
      used += line.copy(buf, used);
      buf[used++] = 10;
      if (used >= MAX_BATCH_BYTES) flush();
    },
    writeLines(prefix: Buffer, lines: Buffer): void {
      const p = prefix.length;
      let start = 0;
      while (start < lines.length) {
        const end = lines.indexOf(10, start) + 1 || lines.length;
        if (!reserve(p + end - start)) {
          stream.write(Buffer.concat([prefix, lines.subarray(start, end)]));
        } else {
          // A prefix is a few bytes: copied by a loop, with no view allocated per line.
          for (let k = 0; k < p; k++) buf[used + k] = prefix[k];
          used += p;
          used += lines.copy(buf, used, start, end);
          if (used >= MAX_BATCH_BYTES) flush();
        }
        start = end;
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
export function createTailTextRenderer(streams: RenderStreams, opts: { hosts: readonly string[]; color: boolean; showTarget: boolean }): TailRenderer {
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
    handle(event: TailEvent): void {
      if (event.type === 'stdout-lines') out.writeLines(prefixFor(event.host, event.target), event.lines);
      else if (event.type === 'stdout' && event.partial) out.write([prefixFor(event.host, event.target ?? ''), event.line, CUT_MARK, NEWLINE]);
      else if (event.type === 'stdout') out.writeLine(prefixFor(event.host, event.target ?? ''), event.line);
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
