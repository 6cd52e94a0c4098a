import { setTimeout as sleep } from 'node:timers/promises';
import type { Emit } from '../core/events.js';
import { HostKeyError } from '../errors.js';
import type { ResolvedHost } from '../ssh/types.js';
import type { HostSession, OpenOptions } from './types.js';

export interface ReconnectOptions {
  signal: AbortSignal;
  emit: Emit;
  /** The wait before attempt n (1-based), in ms. */
  delayFor: (attempt: number) => number;
  connectTimeout?: number;
  /** How a host is reached: the run's Transport.open, as for the first connection. */
  open: (host: ResolvedHost, opts: OpenOptions) => Promise<HostSession>;
}

/** Why reconnecting gave up: interrupted (Ctrl-C), or a host key that no longer matches. */
export type ReconnectFailure = { kind: 'interrupted'; lastError: string } | { kind: 'host-key'; lastError: string };

/**
 * Connects to a host again after its connection was lost, waiting with backoff between
 * attempts and announcing each wait as a `retry` event. Tries until it connects or the
 * signal aborts; a host key mismatch ends it at once (retrying would not help).
 */
export async function reconnectHost(host: ResolvedHost, lostBecause: string, opts: ReconnectOptions): Promise<HostSession | ReconnectFailure> {
  let error = `connection lost (${lostBecause})`;
  for (let attempt = 1; ; attempt += 1) {
    const delayMs = opts.delayFor(attempt);
    opts.emit({ type: 'retry', host: host.name, attempt, delayMs, error });
    try {
      await sleep(delayMs, undefined, { signal: opts.signal });
    } catch {
      return { kind: 'interrupted', lastError: error };
    }
    try {
      return await opts.open(host, { signal: opts.signal, connectTimeout: opts.connectTimeout });
    } catch (err) {
      if (opts.signal.aborted) return { kind: 'interrupted', lastError: error };
      if (err instanceof HostKeyError) return { kind: 'host-key', lastError: err.message };
      error = `reconnect failed (${(err as Error).message})`;
    }
  }
}
