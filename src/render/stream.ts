import { escapeControls } from '../core/escape-controls.js';
import { CUT_MARK, type HostEvent } from '../ops/events.js';
import type { HostResult } from '../ops/result.js';
import { makeHostPainter } from './colors.js';
import type { Renderer, RenderStreams } from './types.js';

export interface StreamRendererOptions {
  hosts: readonly string[];
  color: boolean;
  /** Label lines with their target too (`host target: line`), for tail with several targets. */
  showTarget?: boolean;
}

/**
 * The default output: every line as `host: line` the moment it is whole, stdout lines to
 * stdout and stderr lines to stderr, one write per line so that hosts never mix inside a line.
 * Names are padded before the colon on a TTY only, so pipes get plain `host: line`.
 */
export function createStreamRenderer(streams: RenderStreams, opts: StreamRendererOptions): Renderer {
  const painter = makeHostPainter(opts.hosts, opts.color);
  const width = Math.max(0, ...opts.hosts.map((h) => h.length));
  const prefixes = new Map<string, Buffer>();
  const prefixFor = (host: string, target: string | undefined, tty: boolean | undefined): Buffer => {
    const key = `${host}\u0000${target ?? ''}\u0000${tty ? 1 : 0}`;
    let prefix = prefixes.get(key);
    if (!prefix) {
      const pad = tty ? ' '.repeat(Math.max(0, width - host.length)) : '';
      const label = opts.showTarget && target ? `${painter.host(host)} ${target}` : painter.host(host);
      prefix = Buffer.from(`${label}${pad}: `);
      prefixes.set(key, prefix);
    }
    return prefix;
  };
  // A piece of a cut line (longer than MAX_LINE_BYTES) ends in a backslash, as a continued shell line.
  const writeLine = (stream: RenderStreams['stdout'], prefix: Buffer, line: Buffer, partial?: boolean): void => {
    stream.write(Buffer.concat(partial ? [prefix, line, CUT_MARK, NEWLINE] : [prefix, line, NEWLINE]));
  };
  return {
    handle(event: HostEvent): void {
      switch (event.type) {
        case 'stdout':
          writeLine(streams.stdout, prefixFor(event.host, event.target, streams.stdout.isTTY), event.line, event.partial);
          break;
        case 'stderr':
          writeLine(streams.stderr, prefixFor(event.host, event.target, streams.stderr.isTTY), event.line, event.partial);
          break;
        case 'notice':
          streams.stderr.write(`isuops: ${painter.host(event.host)}: ${escapeControls(event.message)}\n`);
          break;
        case 'retry':
          streams.stderr.write(`isuops: ${painter.host(event.host)}: ${escapeControls(event.error)}; retrying in ${(event.delayMs / 1000).toFixed(1)}s (attempt ${event.attempt})\n`);
          break;
        case 'done':
          if (!event.result.ok && event.result.error) {
            streams.stderr.write(`isuops: ${painter.host(event.host)}: ${painter.chalk.red(escapeControls(event.result.error))}\n`);
          }
          break;
        default:
          break;
      }
    },
    async finish(_results: readonly HostResult[]): Promise<void> {},
  };
}

const NEWLINE = Buffer.from('\n');
