import pLimit from 'p-limit';
import type { Emit } from '../core/events.js';
import { makeResult, type HostResult } from '../core/result.js';
import { ConnectError } from '../errors.js';
import type { ResolvedHost } from '../ssh/types.js';
import type { HostSession, OpenOptions } from './types.js';

export interface RunHostsOptions {
  /** How many hosts are worked on at once (-p). */
  parallel: number;
  signal: AbortSignal;
  emit: Emit;
  /** --connect-timeout, overriding the config's ConnectTimeout. */
  connectTimeout?: number;
  /** How a host is reached (Transport.open). */
  open: (host: ResolvedHost, opts: OpenOptions) => Promise<HostSession>;
}

/** The result of a host that never got to run: unreachable, or interrupted before its turn. */
function makeFailure(host: ResolvedHost, err: unknown, started: number): HostResult {
  const durationMs = Date.now() - started;
  if (err instanceof ConnectError && err.level === 'interrupted') {
    return makeResult(host.name, 'interrupted', { error: err.message, durationMs });
  }
  // this machine ran out of something (file descriptors): the host was never tried, it is not unreachable
  if (err instanceof ConnectError && err.level === 'local') return makeResult(host.name, 'failed', { error: (err as Error).message, durationMs });
  return makeResult(host.name, 'unreachable', { error: (err as Error).message, durationMs });
}

/**
 * Opens every host (at most `parallel` at once, one session per host), runs `work` on it and
 * closes it. Results come back in the hosts' order; a host that fails ends in a result value,
 * never an exception. `done` is emitted once per host.
 */
export async function runOnHosts<R extends HostResult>(
  hosts: readonly ResolvedHost[],
  opts: RunHostsOptions,
  work: (session: HostSession) => Promise<R>,
): Promise<Array<R | HostResult>> {
  const limit = pLimit(Math.max(1, opts.parallel));
  const runOne = async (host: ResolvedHost): Promise<R | HostResult> => {
    const started = Date.now();
    let result: R | HostResult;
    if (opts.signal.aborted) {
      result = makeResult(host.name, 'interrupted', { error: 'not started: interrupted' });
    } else {
      opts.emit({ type: 'connecting', host: host.name });
      let session: HostSession | undefined;
      try {
        const warn = (message: string): void => opts.emit({ type: 'notice', host: host.name, message });
        session = await opts.open(host, { signal: opts.signal, connectTimeout: opts.connectTimeout, warn });
      } catch (err) {
        result = makeFailure(host, err, started);
      }
      if (session) {
        opts.emit({ type: 'connected', host: host.name });
        try {
          result = await work(session);
        } catch (err) {
          // An op should return a result; anything thrown is a fault on this host only.
          result = makeResult(host.name, 'failed', { error: (err as Error).message, durationMs: Date.now() - started });
        } finally {
          session.close();
        }
      }
    }
    opts.emit({ type: 'done', host: host.name, result: result! });
    return result!;
  };
  return Promise.all(hosts.map((host) => limit(() => runOne(host))));
}
