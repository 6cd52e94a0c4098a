import type { ResolvedHost } from '../../ssh/types.js';
import { reconnectHost } from '../../transport/reconnect.js';
import type { HostSession, OpenOptions } from '../../transport/types.js';
import { makeResult, type HostResult } from '../result.js';
import { backoffDelay } from '../tail/backoff.js';
import { runSampler, type SamplerOptions, type SamplerOutcome } from './run-sampler.js';

/** What the sampler gets, plus how a lost host is reached again. */
export interface TopOptions extends Omit<SamplerOptions, 'silentAfterMs' | 'lostAfterMs'> {
  connectTimeout?: number;
  /** The wait before reconnect attempt n; backoffDelay by default (1, 2, 4, 8, then 10 s). */
  delayFor?: (attempt: number) => number;
  /** How a lost host is reached again: the run's Transport.open. */
  open: (host: ResolvedHost, opts: OpenOptions) => Promise<HostSession>;
}

/** Silence (no record) after which a host is shown as not answering: two intervals and a second. */
export function silentAfterMs(intervalSec: number): number {
  return 2 * intervalSec * 1000 + 1000;
}

/** Silence after which the connection counts as lost and is reached again: 5 intervals, at least 10 s. */
export function lostAfterMs(intervalSec: number): number {
  return Math.max(10_000, 5 * intervalSec * 1000);
}

function describeEnd(outcome: Extract<SamplerOutcome, { kind: 'ended' }>): string {
  const why = outcome.signal ? `was killed by signal ${outcome.signal}` : `exited with code ${outcome.exitCode}`;
  return `the sampler ${why}${outcome.stderr ? ` (${outcome.stderr})` : ''}`;
}

/**
 * Samples one host until q, Ctrl-C or the end of --for (the signal). A lost or silent connection
 * is announced and reached again with backoff, and sampling starts over on it; a sampler that
 * exits after it had sampled is started again the same way; one that never sampled fails the
 * host (no /proc, no awk). Resolves to the host's result: ok when it was sampling at the end,
 * unreachable when it was being reached again, failed when its sampler could not run.
 */
export async function topOnHost(first: HostSession, opts: TopOptions): Promise<HostResult> {
  const host = first.host;
  const started = Date.now();
  const sampler: SamplerOptions = { ...opts, silentAfterMs: silentAfterMs(opts.intervalSec), lostAfterMs: lostAfterMs(opts.intervalSec) };
  let session = first;
  let reason = 'connection closed by the host';
  session.onLost((why) => (reason = why));
  let lost: string | undefined;
  let failed: string | undefined;
  for (;;) {
    const outcome = await runSampler(session, sampler);
    if (outcome.kind === 'stopped' || opts.signal.aborted) break;
    if (outcome.kind === 'ended' && !outcome.sampled) {
      failed = describeEnd(outcome);
      break;
    }
    const why = outcome.kind === 'ended' ? describeEnd(outcome) : outcome.reason === 'connection closed' ? reason : outcome.reason;
    if (session !== first) session.close();
    else first.close();
    const next = await reconnectHost(host, why, {
      signal: opts.signal,
      emit: opts.emit,
      delayFor: opts.delayFor ?? ((n) => backoffDelay(n)),
      connectTimeout: opts.connectTimeout,
      open: opts.open,
    });
    if ('kind' in next) {
      lost = next.kind === 'host-key' ? next.lastError : `${next.lastError}; was not reconnected`;
      break;
    }
    session = next;
    reason = 'connection closed by the host';
    session.onLost((r) => (reason = r));
    opts.emit({ type: 'notice', host: host.name, message: 'reconnected: sampling again' });
  }
  if (session !== first) session.close();
  const durationMs = Date.now() - started;
  if (failed !== undefined) return makeResult(host.name, 'failed', { error: failed, durationMs });
  if (lost !== undefined) return makeResult(host.name, 'unreachable', { error: lost, durationMs });
  return makeResult(host.name, 'ok', { durationMs });
}
