import { escapeControls } from '../core/escape-controls.js';
import { CUT_MARK, type HostEvent } from '../ops/events.js';
import type { HostResult } from '../ops/result.js';
import { makeHostPainter } from './colors.js';
import { HeldOutput, writeDrained } from './held-output.js';
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
  // Held in memory up to a small size each, then in a temp file: memory stays bounded whatever hosts print.
  const outputs = new Map<string, HeldOutput>();
  return {
    handle(event: HostEvent): void {
      if (event.type === 'stdout') {
        let held = outputs.get(event.host);
        if (!held) outputs.set(event.host, (held = new HeldOutput()));
        held.append(event.line);
        // The pieces of a cut line are joined again.
        if (!event.partial) held.append(NEWLINE);
      } else if (event.type === 'stderr') {
        streams.stderr.write(Buffer.concat([Buffer.from(`${painter.host(event.host)}: `), event.line, event.partial ? CUT_MARK : Buffer.alloc(0), NEWLINE]));
      } else if (event.type === 'done' && !event.result.ok && event.result.error) {
        streams.stderr.write(`isuops: ${painter.host(event.host)}: ${escapeControls(event.result.error)}\n`);
      } else if (event.type === 'notice') {
        streams.stderr.write(`isuops: ${painter.host(event.host)}: ${escapeControls(event.message)}\n`);
      }
    },
    async finish(_results: readonly HostResult[]): Promise<void> {
      const blocks = new Map<string, { hosts: string[]; held: HeldOutput }>();
      for (const host of opts.hosts) {
        const held = outputs.get(host);
        if (!held) continue;
        if (held.failure) streams.stderr.write(`isuops: ${painter.host(host)}: ${held.failure}; its block is cut short\n`);
        const block = blocks.get(held.digest());
        if (block) block.hosts.push(host);
        else blocks.set(held.digest(), { hosts: [host], held });
      }
      for (const { hosts, held } of blocks.values()) {
        await writeDrained(streams.stdout, formatBlockHeader(hosts, painter.chalk.bold));
        for (const piece of held.pieces()) await writeDrained(streams.stdout, piece);
      }
      for (const held of outputs.values()) held.release();
    },
  };
}

const NEWLINE = Buffer.from('\n');
