import type { Duplex } from 'node:stream';
import type { Client, ClientChannel } from 'ssh2';
import { ConnectError, HostKeyError } from '../errors.js';
import { connectHost, DEFAULT_CONNECT_TIMEOUT, type ConnectOptions } from './connect.js';
import { planJumpRoute, type JumpHop, type ResolveHop } from './jump-route.js';
import { spawnProxyCommand, type ProxyProcess } from './proxy-command.js';
import type { ResolvedHost } from './types.js';
import { debug } from '../core/debug.js';


/** What a command passes to the pool as `connect`, and closes when the run is over. */
export interface Connector {
  /** Reaches `host` directly, through its ProxyJump chain, or through its ProxyCommand. */
  connect(host: ResolvedHost, opts: ConnectOptions): Promise<Client>;
  /** The same through a route planned elsewhere (the daemon gets each host's route from the run). */
  connectVia(host: ResolvedHost, via: JumpHop | undefined, opts: ConnectOptions): Promise<Client>;
  /** The jump chain `host` is reached through (undefined: none); throws UsageError on a ProxyJump loop. */
  route(host: ResolvedHost): JumpHop | undefined;
  /** Ends every jump connection and kills every ProxyCommand still running. */
  close(): void;
}

/** Options of makeConnector. */
export interface ConnectorOptions {
  /** Resolves a jump host by its own ssh config entry (see ResolveHop). */
  resolveHop: ResolveHop;
  /** A jump host that failed is not tried again for this long: its hosts fail fast instead of each waiting. */
  retryFailedAfterMs?: number;
  /** The direct connection (tests substitute it). */
  connectHost?: typeof connectHost;
}

interface HopEntry {
  promise: Promise<Client>;
  client?: Client;
  failedAt?: number;
}

// ssh2 reports an open failure's reason code; these two are what sshd sends.
const OPEN_ADMINISTRATIVELY_PROHIBITED = 1;
const OPEN_CONNECT_FAILED = 2;

/** One line for a direct-tcpip open failure, naming the jump host. */
export function describeForwardFailure(hopLabel: string, where: string, err: Error & { reason?: number }): string {
  const why = err.message.replace(/^\(SSH\) Channel open failure: ?/, '').trim();
  if (err.reason === OPEN_ADMINISTRATIVELY_PROHIBITED) return `${hopLabel} refused forwarding to ${where} (administratively prohibited)`;
  if (err.reason === OPEN_CONNECT_FAILED) {
    if (/connection refused/i.test(why)) return `via ${hopLabel}: connection refused by ${where}`;
    return `via ${hopLabel}: could not connect to ${where}${why ? ` (${why})` : ''}`;
  }
  return `via ${hopLabel}: forwarding to ${where} failed${why ? ` (${why})` : ''}`;
}

/**
 * The pool's `connect` for ProxyJump / -J / ProxyCommand. Each distinct jump host gets ONE
 * connection for the run (shared by every host behind it, as direct-tcpip channels); a chain
 * `a,b` connects to a, forwards to b, runs ssh to b over that, forwards to the target. Every hop
 * is checked against known_hosts under its own name; the target under its own.
 */
export function makeConnector(opts: ConnectorOptions): Connector {
  const direct = opts.connectHost ?? connectHost;
  const retryAfterMs = opts.retryFailedAfterMs ?? 10_000;
  const hops = new Map<string, HopEntry>();
  const proxies = new Set<ProxyProcess>();
  const routes = new WeakMap<ResolvedHost, JumpHop | undefined>();
  const hopCache = new Map<string, ResolvedHost>();
  // Aborts shared hop connections on close(); hosts abort their own waits on their own signal.
  const closing = new AbortController();
  // Errors already naming the hop where they happened (a chain's inner hop): not prefixed twice.
  const attributed = new WeakSet<Error>();

  const resolveHop: ResolveHop = (hop, before) => {
    const key = JSON.stringify([hop, before]);
    let host = hopCache.get(key);
    if (!host) hopCache.set(key, (host = opts.resolveHop(hop, before)));
    return host;
  };

  const route = (host: ResolvedHost): JumpHop | undefined => {
    if (!routes.has(host)) routes.set(host, planJumpRoute(host, resolveHop));
    return routes.get(host);
  };

  const openHop = (hop: JumpHop, connectTimeout: number | undefined): Promise<Client> => {
    const cached = hops.get(hop.key);
    if (cached && (cached.failedAt === undefined || Date.now() - cached.failedAt < retryAfterMs)) return cached.promise;
    const entry: HopEntry = { promise: Promise.resolve() as unknown as Promise<Client> };
    entry.promise = reach(hop.host, hop.via, { signal: closing.signal, connectTimeout }).then(
      (client) => {
        entry.client = client;
        debug('jump %s: connected', hop.label);
        client.on('error', (err: Error) => debug('jump %s: %s', hop.label, err.message));
        // A lost jump connection is forgotten so that a reconnect (tail) makes a new one.
        client.on('close', () => {
          debug('jump %s: closed', hop.label);
          if (hops.get(hop.key) === entry) hops.delete(hop.key);
        });
        return client;
      },
      (err: Error) => {
        entry.failedAt = Date.now();
        throw attributeTo(hop, err);
      },
    );
    // Nobody may be waiting when it fails (all hosts interrupted): no unhandled rejection.
    entry.promise.catch(() => {});
    hops.set(hop.key, entry);
    return entry.promise;
  };

  const attributeTo = (hop: JumpHop, err: Error): Error => {
    if (attributed.has(err)) return err;
    const message = `via ${hop.label}: ${err.message}`;
    const out =
      err instanceof HostKeyError
        ? new HostKeyError(message)
        : new ConnectError(message, err instanceof ConnectError ? err.level : 'client-socket', { cause: err });
    attributed.add(out);
    return out;
  };

  const forward = (jump: Client, hop: JumpHop, host: ResolvedHost, o: ConnectOptions): Promise<ClientChannel> => {
    const timeoutSec = o.connectTimeout ?? host.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT;
    const where = `${host.hostname}:${host.port}`;
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (err: Error | undefined, channel?: ClientChannel): void => {
        if (settled) {
          // Opened after we gave up: close it, or it would hold the target's sshd.
          channel?.close();
          return;
        }
        settled = true;
        clearTimeout(timer);
        o.signal?.removeEventListener('abort', onAbort);
        if (err) {
          attributed.add(err);
          reject(err);
        } else {
          resolve(channel as ClientChannel);
        }
      };
      const onAbort = (): void => finish(new ConnectError('interrupted while connecting', 'interrupted'));
      o.signal?.addEventListener('abort', onAbort, { once: true });
      // forwardOut has no timeout of its own: a bastion whose connect to a silent host hangs would hang us.
      const timer = setTimeout(
        () => finish(new ConnectError(`timed out after ${timeoutSec}s: ${hop.label} did not open a connection to ${where}`, 'client-timeout')),
        timeoutSec * 1000,
      );
      try {
        jump.forwardOut('127.0.0.1', 0, host.hostname, host.port, (err, channel) => {
          if (err) finish(new ConnectError(describeForwardFailure(hop.label, where, err as Error & { reason?: number }), 'client-socket', { cause: err }));
          else finish(undefined, channel);
        });
      } catch (err) {
        finish(new ConnectError(`via ${hop.label}: the connection to the jump host was lost (${(err as Error).message})`, 'client-socket'));
      }
    });
  };

  /** Opens host's stream (forward or ProxyCommand) and runs ssh over it. */
  const reach = async (host: ResolvedHost, via: JumpHop | undefined, o: ConnectOptions): Promise<Client> => {
    if (!via && !host.proxyCommand) return direct(host, o);
    let sock: Duplex;
    let proxy: ProxyProcess | undefined;
    if (via) {
      const jump = await waitFor(openHop(via, o.connectTimeout), o.signal);
      sock = await forward(jump, via, host, o);
    } else {
      proxy = spawnProxyCommand(host);
      proxies.add(proxy);
      proxy.child.once('exit', () => proxies.delete(proxy as ProxyProcess));
      sock = proxy.sock;
    }
    // A stream that closes before ssh2 listens (a ProxyCommand that fails at once) would leave it
    // waiting for the whole timeout: watch it from now on.
    const closedEarly = new AbortController();
    sock.once('close', () => closedEarly.abort());
    const signal = o.signal ? AbortSignal.any([o.signal, closedEarly.signal]) : closedEarly.signal;
    try {
      const client = await direct(host, { ...o, sock, signal });
      if (proxy) client.once('close', () => proxy.kill());
      return client;
    } catch (caught) {
      sock.destroy();
      let err = caught as Error;
      if (closedEarly.signal.aborted && !o.signal?.aborted && err instanceof ConnectError && err.level === 'interrupted') {
        err = new ConnectError(`connection closed by ${host.hostname}:${host.port}${via ? ` (via ${via.label})` : ''}`, 'client-socket');
      }
      if (!proxy) throw err;
      const failedFirst = err instanceof ConnectError && (err.level === 'client-socket' || err.level === 'client-timeout');
      // The command's own exit status and stderr say more than "connection closed".
      if (failedFirst) await waitForExit(proxy, 300);
      const why = failedFirst ? proxy.describe() : undefined;
      proxy.kill();
      if (why) throw new ConnectError(`${why} (${(err as Error).message})`, (err as ConnectError).level, { cause: err });
      throw err;
    }
  };

  return {
    route,
    connect: (host, o) => reach(host, route(host), o),
    connectVia: reach,
    close: () => {
      closing.abort();
      for (const entry of hops.values()) entry.client?.end();
      hops.clear();
      for (const proxy of proxies) proxy.kill();
    },
  };
}

/** A shared promise, given up on (not cancelled) when this host's signal aborts. */
function waitFor<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(new ConnectError('interrupted while connecting', 'interrupted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new ConnectError('interrupted while connecting', 'interrupted'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Resolves when the ProxyCommand has exited, or after ms (its status then reads "closed its output"). */
function waitForExit(proxy: ProxyProcess, ms: number): Promise<void> {
  if (proxy.child.exitCode !== null || proxy.child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    proxy.child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
