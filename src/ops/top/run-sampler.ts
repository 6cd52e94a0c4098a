import { randomBytes } from 'node:crypto';
import type { HostSession, RemoteProcess } from '../../transport/types.js';
import { LineSplitter } from '../line-splitter.js';
import { buildWrappedCommand, parseMarker } from '../../remote/command.js';
import { RemoteGroup } from '../remote-group.js';
import { makeDiskFilter } from './disks.js';
import type { TopEmit } from './events.js';
import { HostRates } from './host-rates.js';
import { parseRecord } from './parse-record.js';
import type { RateOptions } from './rates.js';
import { buildSamplerCommand, parseSamplerLine } from './sampler-script.js';
import { debug } from '../../core/debug.js';


// How long a stopped sampler's channel is given to close before the run goes on without it.
const STOP_GRACE_MS = 700;
// A record longer than this is not a sampler's: it is dropped rather than held.
const MAX_RECORD_LINES = 200_000;

export interface SamplerOptions {
  intervalSec: number;
  /** --iface: the interfaces counted (default: all but lo). */
  ifaces?: ReadonlySet<string>;
  /** Aborted by q, Ctrl-C or the end of --for: the sampler is stopped. */
  signal: AbortSignal;
  emit: TopEmit;
  /** Silence after which the host is reported silent (repeated every interval). */
  silentAfterMs: number;
  /** Silence after which the connection counts as lost (it is cut, then reached again). */
  lostAfterMs: number;
}

/** How a sampler run ended: stopped by us, its connection lost, or the sampler exited by itself. */
export type SamplerOutcome =
  | { kind: 'stopped'; sampled: boolean }
  | { kind: 'dropped'; sampled: boolean; reason: string }
  | { kind: 'ended'; sampled: boolean; exitCode: number | null; signal: string | null; stderr: string };

/**
 * Runs the sampler on one connection and emits a `top-sample` per interval (from the second
 * record on), until stopped, the connection is lost (or silent past lostAfterMs: then it is cut),
 * or the sampler exits. It runs under the exec wrapper: when the channel closes, for whatever
 * reason, the sampler's process group is killed on the host.
 */
export async function runSampler(session: HostSession, opts: SamplerOptions): Promise<SamplerOutcome> {
  const host = session.host.name;
  const marker = `@isuops:${randomBytes(6).toString('hex')}:`;
  const pgidMarker = `${marker}pgid:`;
  const group = new RemoteGroup(session, pgidMarker, false);
  const rateOptions: RateOptions = { clockTicks: 100, isDisk: makeDiskFilter([]), ifaces: opts.ifaces };
  let rates = new HostRates(rateOptions);
  let record: string[] | undefined;
  let gone: number[] = [];
  let sampled = false;
  let lastRecordAt = Date.now();
  let silentCut: string | undefined;
  let cut!: () => void;
  const cutOff = new Promise<void>((resolve) => (cut = resolve));

  const out = new LineSplitter((raw) => {
    const line = raw.toString('utf8');
    const said = parseSamplerLine(line, marker);
    if (said === undefined) {
      if (record && record.length < MAX_RECORD_LINES) record.push(line);
      return;
    }
    if (said.kind === 'hello') {
      rateOptions.clockTicks = said.hello.clockTicks;
      rateOptions.isDisk = makeDiskFilter(said.hello.disks);
      rates = new HostRates(rateOptions);
    } else if (said.kind === 'sample') {
      record = [];
      gone = [];
    } else if (said.kind === 'gone') {
      gone.push(...said.pids);
    } else if (record) {
      lastRecordAt = Date.now();
      const sample = rates.push(parseRecord(record), gone);
      record = undefined;
      if (sample) {
        sampled = true;
        opts.emit({ type: 'top-sample', host, time: lastRecordAt, sample });
      }
    }
  });
  const stderr: string[] = [];
  const err = new LineSplitter((line) => {
    const pgid = parseMarker(line, pgidMarker);
    if (pgid !== undefined) rateOptions.ownGroup = pgid;
    if (group.take(line)) return;
    stderr.push(line.toString('utf8'));
    if (stderr.length > 3) stderr.shift();
  });

  let exit: { code: number | null; signal: string | null } | undefined;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  let channel: RemoteProcess;
  try {
    const wrapped = buildWrappedCommand(buildSamplerCommand(opts.intervalSec, marker), { sudo: false, stdin: false, marker: pgidMarker });
    channel = await session.exec(wrapped, (ch) => {
      ch.on('data', (chunk: Buffer) => out.push(chunk));
      ch.stderr.on('data', (chunk: Buffer) => err.push(chunk));
      ch.on('exit', (code: number | null, signal?: string) => {
        exit = { code, signal: signal ?? null };
        ch.end();
      });
      ch.once('close', () => resolveClosed());
    });
  } catch (error) {
    debug('%s: top: could not open a channel: %s', host, (error as Error).message);
    return { kind: 'dropped', sampled, reason: (error as Error).message };
  }

  let stopping = false;
  const onAbort = (): void => {
    if (stopping) return;
    stopping = true;
    // EOF on the channel makes the wrapper kill the sampler; the kill channel is the second way.
    channel.end();
    group.stop();
  };
  opts.signal.addEventListener('abort', onAbort, { once: true });
  if (opts.signal.aborted) onAbort();

  const watchdog = setInterval(() => {
    const silentMs = Date.now() - lastRecordAt;
    if (stopping || silentMs < opts.silentAfterMs) return;
    opts.emit({ type: 'top-silent', host, silentMs });
    if (silentMs >= opts.lostAfterMs && silentCut === undefined) {
      silentCut = `no answer for ${Math.round(silentMs / 1000)}s`;
      // A host that does not answer would not close the channel either: the run goes on without
      // it, and the sampler goes with the connection (the wrapper) whenever the host sees it end.
      cut();
    }
  }, Math.max(250, opts.intervalSec * 1000));

  await new Promise<void>((resolve) => {
    let grace: NodeJS.Timeout | undefined;
    const done = (): void => {
      clearTimeout(grace);
      resolve();
    };
    void closed.then(done);
    void cutOff.then(done);
    const startGrace = (): void => {
      grace = setTimeout(done, STOP_GRACE_MS);
    };
    if (opts.signal.aborted) startGrace();
    else opts.signal.addEventListener('abort', startGrace, { once: true });
  });
  clearInterval(watchdog);
  opts.signal.removeEventListener('abort', onAbort);
  err.flush();
  if (stopping) {
    await Promise.race([group.stopped(), new Promise((r) => setTimeout(r, 300))]);
    return { kind: 'stopped', sampled };
  }
  if (silentCut !== undefined || exit === undefined || (exit.code === null && exit.signal === null)) {
    return { kind: 'dropped', sampled, reason: silentCut ?? 'connection closed' };
  }
  return { kind: 'ended', sampled, exitCode: exit.code, signal: exit.signal, stderr: stderr.join('; ') };
}
