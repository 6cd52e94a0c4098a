import type { HostEvent } from '../ops/events.js';
import type { HostResult } from '../ops/result.js';
import { makeHostPainter } from './colors.js';
import { foldHostNames } from './hostlist.js';
import type { Renderer, RenderStreams } from './types.js';

/** The block header of clush -b: a 15-dash rule, the folded host list and its count. */
export function formatBlockHeader(hosts: readonly string[], style: (text: string) => string = (t) => t): string {
  const rule = '-'.repeat(15);
  return `${rule}\n${style(`${foldHostNames(hosts)} (${hosts.length})`)}\n${rule}\n`;
}

/**
 * -b: holds each host's stdout until the end, then prints one block per distinct output,
 * headed by the folded list of hosts that produced it (like `clush -b` / `dshbak -c`).
 * stderr lines and errors still stream as `host: line` on stderr.
 */
export function createGatherRenderer(streams: RenderStreams, opts: { hosts: readonly string[]; color: boolean }): Renderer {
  const painter = makeHostPainter(opts.hosts, opts.color);
  const outputs = new Map<string, Buffer[]>();
  return {
    handle(event: HostEvent): void {
      if (event.type === 'stdout') {
        let lines = outputs.get(event.host);
        if (!lines) outputs.set(event.host, (lines = []));
        lines.push(Buffer.concat([event.line, NEWLINE]));
      } else if (event.type === 'stderr') {
        streams.stderr.write(Buffer.concat([Buffer.from(`${painter.host(event.host)}: `), event.line, NEWLINE]));
      } else if (event.type === 'done' && !event.result.ok && event.result.error) {
        streams.stderr.write(`isuops: ${painter.host(event.host)}: ${event.result.error}\n`);
      } else if (event.type === 'notice') {
        streams.stderr.write(`isuops: ${painter.host(event.host)}: ${event.message}\n`);
      }
    },
    async finish(_results: readonly HostResult[]): Promise<void> {
      const blocks = new Map<string, { hosts: string[]; text: Buffer }>();
      for (const host of opts.hosts) {
        const lines = outputs.get(host);
        if (!lines) continue;
        const text = Buffer.concat(lines);
        const key = text.toString('latin1');
        const block = blocks.get(key);
        if (block) block.hosts.push(host);
        else blocks.set(key, { hosts: [host], text });
      }
      for (const { hosts, text } of blocks.values()) {
        streams.stdout.write(formatBlockHeader(hosts, painter.chalk.bold));
        streams.stdout.write(text);
      }
    },
  };
}

const NEWLINE = Buffer.from('\n');
