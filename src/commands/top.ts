import { setMaxListeners } from 'node:events';
import { closeSync, createWriteStream, openSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { exitCodeFor } from '../exit-code.js';
import type { TopEvent } from '../ops/top/events.js';
import { topOnHost } from '../ops/top/top-host.js';
import { shouldColor } from '../render/colors.js';
import { gateProcessStreams } from '../render/gated-streams.js';
import { formatSummary } from '../render/summary.js';
import { TopBoard } from '../render/top/board.js';
import { createNdjsonView, createNdjsonWriter, type TopView } from '../render/top/ndjson.js';
import { createScreenView } from '../render/top/screen.js';
import { createTopSummary } from '../render/top/summary.js';
import { runOnHosts } from '../transport/run-hosts.js';
import type { FleetOptions } from './fleet-options.js';
import { prepareFleet } from './fleet.js';
import { watchInterrupt } from './interrupt.js';

export interface TopCommandOptions extends FleetOptions {
  /** -i: seconds between samples. */
  interval: number;
  iface?: string[];
  json?: boolean;
  /** --for: seconds to sample, then the summary. */
  for?: number;
  record?: string;
  color: 'auto' | 'always' | 'never';
  quiet?: boolean;
}

function openRecord(file: string): NodeJS.WritableStream {
  // Opened now, so that a path that cannot be written is a usage error before anything connects.
  let fd: number;
  try {
    fd = openSync(file, 'w');
  } catch (err) {
    throw new UsageError(`--record ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (err as Error).message}`);
  }
  closeSync(fd);
  return createWriteStream(file);
}

/**
 * `isuops top`: samples every host's /proc until q or Ctrl-C (or for --for), shown as a table on
 * a terminal, NDJSON otherwise. Exit 0 when every host was sampling at the end, 255 when some
 * were not reachable, 1 when a sampler could not run, 130 on Ctrl-C.
 */
export async function topCommand(opts: TopCommandOptions): Promise<number> {
  if (opts.parallel !== undefined) throw new UsageError('-p does not apply to top: every host is sampled at once');
  const ifaces = opts.iface ? new Set(opts.iface.flatMap((list) => list.split(',')).map((s) => s.trim()).filter(Boolean)) : undefined;
  const record = opts.record ? openRecord(opts.record) : undefined;
  const fleet = await prepareFleet(opts);
  const hosts = fleet.hosts.map((h) => h.name);
  const { streams } = gateProcessStreams();
  const board = new TopBoard(hosts);
  const tty = !opts.json && Boolean(process.stdout.isTTY);
  const quit = new AbortController();
  // Every host and channel listens to this one signal.
  setMaxListeners(0, quit.signal);
  const said: string[] = [];
  let view: TopView & { close?: () => void };
  if (tty) {
    view = createScreenView({ board, hosts, intervalSec: opts.interval, color: shouldColor(opts.color, true), onQuit: () => quit.abort(), onInterrupt: () => process.emit('SIGINT') });
  } else {
    view = createNdjsonView(streams, board, hosts);
  }
  // On the full screen, isuops's own lines wait until the terminal is back.
  const interrupt = watchInterrupt(tty ? (line) => said.push(line) : undefined);
  interrupt.signal.addEventListener('abort', () => quit.abort(), { once: true });
  const recorder = record ? createNdjsonWriter({ write: (chunk) => record.write(chunk) }, board) : undefined;
  const summary = opts.for !== undefined ? createTopSummary() : undefined;
  const emit = (event: TopEvent): void => {
    board.handle(event);
    recorder?.handle(event);
    summary?.handle(event);
    view.handle(event);
  };
  const ticker = setInterval(() => {
    const now = Date.now();
    view.tick(now);
    recorder?.tick(now);
  }, opts.interval * 1000);
  const started = Date.now();
  const forTimer = opts.for !== undefined ? setTimeout(() => quit.abort(), opts.for * 1000) : undefined;
  try {
    const results = await runOnHosts(
      fleet.hosts,
      // Every host is sampled at once: a host waiting for a slot would never get one.
      { parallel: Math.max(hosts.length, 1), signal: quit.signal, emit, connectTimeout: opts.connectTimeout, open: fleet.open },
      (session) => topOnHost(session, { intervalSec: opts.interval, ifaces, signal: quit.signal, emit, connectTimeout: opts.connectTimeout, open: fleet.open }),
    );
    clearInterval(ticker);
    clearTimeout(forTimer);
    await view.finish(results);
    for (const line of said) streams.stderr.write(`${line}\n`);
    if (record) await new Promise<void>((resolve) => record.end(resolve));
    if (summary) (tty ? streams.stdout : streams.stderr).write(summary.format({ seconds: (Date.now() - started) / 1000, hosts }));
    if (!opts.quiet) streams.stderr.write(formatSummary(results, Date.now() - started));
    return exitCodeFor(results, interrupt.interrupted());
  } finally {
    // Whatever happened, the terminal is given back before anything else is printed.
    view.close?.();
    clearInterval(ticker);
    clearTimeout(forTimer);
    fleet.close();
  }
}
