import type { ResolvedHost } from '../../ssh/types.js';
import { reconnectHost } from '../../transport/reconnect.js';
import type { HostSession, OpenOptions } from '../../transport/types.js';
import { makeResult, type HostResult } from '../result.js';
import { backoffDelay } from './backoff.js';
import { followTarget, makeTargetState, type FollowOptions, type FollowOutcome, type TargetState } from './follow-target.js';
import type { TailTarget } from './targets.js';

/** What every follower of the host gets (FollowOptions), plus the targets and how to reconnect. */
export interface TailOptions extends Omit<FollowOptions, 'onDrop'> {
  targets: readonly TailTarget[];
  connectTimeout?: number;
  /** The wait before reconnect attempt n; backoffDelay by default. */
  delayFor?: (attempt: number) => number;
  /** How a dropped host is reached again: the run's Transport.open. */
  open: (host: ResolvedHost, opts: OpenOptions) => Promise<HostSession>;
}

function describeEnd(outcome: Extract<FollowOutcome, { kind: 'ended' }>): string {
  if (outcome.signal) return `the follower was killed by signal ${outcome.signal}`;
  // what the follower said about it (held back so that the host gets one line, not two)
  if (outcome.said) return outcome.said;
  if (outcome.exitCode === 127) return 'the follower could not start (exit code 127: command not found)';
  return `the follower exited with code ${outcome.exitCode}`;
}

// Why the connection went: the last error reported on it, else a plain close.
function watchConnection(session: HostSession): () => string {
  let reason = 'connection closed by the host';
  session.onLost((why) => {
    reason = why;
  });
  return () => reason;
}

/**
 * Follows every target on one host until Ctrl-C. When the connection drops, the host is
 * announced, reconnected with backoff, and each target resumes where it was left
 * (files by byte offset, journals after the last cursor). A target whose follower exits by
 * itself is reported and not restarted. Resolves to the host's result: ok when it was
 * following at the end, failed when a target ended, unreachable when it was lost.
 */
export async function tailOnHost(first: HostSession, opts: TailOptions): Promise<HostResult> {
  const host = first.host;
  const started = Date.now();
  const states = opts.targets.map(makeTargetState);
  const errors: string[] = [];
  let session = first;
  let active: TargetState[] = states;
  let lost: string | undefined;
  for (;;) {
    const reasonFor = watchConnection(session);
    const current = session;
    // One lost channel means a lost connection: end it so every follower on it returns.
    const onDrop = (): void => {
      current.close();
    };
    const outcomes = await Promise.all(active.map((state) => followTarget(current, state, { ...opts, onDrop })));
    active.forEach((state, i) => {
      const outcome = outcomes[i];
      if (outcome.kind !== 'ended') return;
      const error = `${state.target.label}: ${describeEnd(outcome)}`;
      // A failure is the host's error line at the end; a notice too would say it twice.
      if (outcome.exitCode !== 0) errors.push(error);
      else opts.emit({ type: 'notice', host: host.name, message: `${error}; no longer following it` });
    });
    const dropped = active.filter((_, i) => outcomes[i].kind === 'dropped');
    if (session !== first) session.close();
    if (opts.signal.aborted || dropped.length === 0) break;
    const next = await reconnectHost(host, reasonFor(), {
      signal: opts.signal,
      emit: opts.emit,
      delayFor: opts.delayFor ?? ((n) => backoffDelay(n)),
      connectTimeout: opts.connectTimeout,
      open: opts.open,
    });
    if (!('kind' in next)) {
      session = next;
      opts.emit({ type: 'notice', host: host.name, message: 'reconnected: resuming where it left off' });
      active = dropped;
      continue;
    }
    lost = next.kind === 'host-key' ? next.lastError : `${next.lastError}; was not reconnected`;
    break;
  }
  const durationMs = Date.now() - started;
  if (lost !== undefined) return makeResult(host.name, 'unreachable', { error: [lost, ...errors].join('; '), durationMs });
  if (errors.length > 0) return makeResult(host.name, 'failed', { error: errors.join('; '), durationMs });
  return makeResult(host.name, 'ok', { durationMs });
}
