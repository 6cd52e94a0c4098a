import { ConnectError } from '../errors.js';
import type { JumpHop } from '../ssh/jump-route.js';
import type { ResolvedHost } from '../ssh/types.js';
import type { HostSession, OpenOptions, Transport } from '../transport/types.js';
import { reachDaemon, type DaemonLink } from './link.js';
import { daemonPaths } from './paths.js';
import { Kind, parseJson } from './protocol.js';
import { connectErrorFrom, DaemonSession } from './session.js';
import type { OpenSessionRequest, Persist, SessionErrorReply } from './types.js';
import { debug } from '../core/debug.js';


/**
 * What the daemon gets of a host: the resolved host with what depends on this process made
 * explicit (the agent socket from SSH_AUTH_SOCK), so that the connection it makes is the one
 * this run would make.
 */
export function hostForDaemon(host: ResolvedHost, env: NodeJS.ProcessEnv = process.env): ResolvedHost {
  const agent = host.identityAgent === undefined || host.identityAgent === 'SSH_AUTH_SOCK' ? env.SSH_AUTH_SOCK : host.identityAgent;
  return { ...host, identityAgent: agent || 'none' };
}

/**
 * The kept connection a host may share: every resolved field that changes the connection
 * (user, address, port, identities and agent, known_hosts files and checking, HostKeyAlias,
 * keepalive, ProxyCommand, the whole jump chain), not the name it was written as, nor how
 * long it is kept or the connect timeout.
 */
export function keptConnectionKey(host: ResolvedHost, route: JumpHop | undefined): string {
  const { name: _n, controlPersist: _p, connectTimeout: _t, ...rest } = host;
  return JSON.stringify({ ...rest, via: route?.key ?? null });
}

export interface KeptTransportOptions {
  direct: Transport;
  route: (host: ResolvedHost) => JumpHop | undefined;
  /** How long a host's connection is kept; 'no': it is connected directly. */
  persistFor: (host: ResolvedHost) => Persist | 'no';
}

/**
 * Hosts go through connections the per-user daemon keeps (started by this run when none runs);
 * a host that must not be kept (ControlPersist no), a daemon that cannot be reached, or a key that
 * needs a passphrase makes that host connect directly, as without the daemon (debug log only).
 */
export function makeKeptTransport(opts: KeptTransportOptions): Transport {
  let link: Promise<DaemonLink | undefined> | undefined;
  let linked: DaemonLink | undefined;
  // a warning is said once per run, as a direct run says it
  const warned = new Set<string>();
  const getLink = (): Promise<DaemonLink | undefined> =>
    (link ??= (async () => {
      const paths = daemonPaths();
      if (!paths) {
        debug('daemon: no private directory for its socket: connecting directly');
        return undefined;
      }
      linked = await reachDaemon(paths, true);
      return linked;
    })());

  type Reply = { kind: 'ok'; warnings: string[] } | { kind: 'direct' } | { kind: 'notKept' } | { kind: 'error'; err: Error };

  /** One OPEN_SESSION and its answer (an abort of `signal` while it waits closes it again). */
  const exchange = (l: DaemonLink, sid: number, req: OpenSessionRequest, signal?: AbortSignal): Promise<Reply> =>
    new Promise<Reply>((resolve) => {
      const done = (r: Reply): void => {
        offGone();
        signal?.removeEventListener('abort', onAbort);
        resolve(r);
      };
      const offGone = l.onGone(() => done({ kind: 'direct' }));
      const onAbort = (): void => {
        l.send(Kind.closeSession, sid);
        l.off(sid);
        done({ kind: 'error', err: new ConnectError('interrupted while connecting', 'interrupted') });
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      l.on(sid, (kind, payload) => {
        if (kind === Kind.sessionOk) done({ kind: 'ok', warnings: parseJson<{ warnings?: string[] }>(payload).warnings ?? [] });
        else if (kind === Kind.sessionError) {
          l.off(sid);
          const e = parseJson<SessionErrorReply>(payload);
          done(e.notKept ? { kind: 'notKept' } : e.fallback ? { kind: 'direct' } : { kind: 'error', err: connectErrorFrom(e) });
        }
      });
      l.send(Kind.openSession, sid, req);
    });

  const requestFor = (host: ResolvedHost, persist: Persist, connectTimeout: number | undefined): OpenSessionRequest => {
    const route = opts.route(host);
    const forDaemon = hostForDaemon(host);
    return { key: keptConnectionKey(forDaemon, route), host: forDaemon, route: route ?? null, connectTimeout, persist };
  };

  const sayWarnings = (warnings: readonly string[], warn: ((message: string) => void) | undefined): void => {
    for (const w of warnings) {
      if (warned.has(w)) continue;
      warned.add(w);
      warn?.(w);
    }
  };

  // sessions a warm worker's gate opened (takeKept), each handed out by the first open() of its host
  const taken = new Map<ResolvedHost, { session: DaemonSession; warnings: string[] }>();

  const open = async (host: ResolvedHost, o: OpenOptions): Promise<HostSession> => {
    const pre = taken.get(host);
    if (pre) {
      taken.delete(host);
      if (!pre.session.lost) {
        sayWarnings(pre.warnings, o.warn);
        return pre.session;
      }
      // lost while it waited for its turn (-p): opened as any host is, from here on
      pre.session.close();
    }
    const persist = opts.persistFor(host);
    if (persist === 'no') return opts.direct.open(host, o);
    const l = await getLink();
    if (!l || l.gone) return opts.direct.open(host, o);
    const sid = l.id();
    const reply = await exchange(l, sid, requestFor(host, persist, o.connectTimeout), o.signal);
    if (reply.kind === 'ok') {
      sayWarnings(reply.warnings, o.warn);
      return new DaemonSession(host, l, sid);
    }
    if (reply.kind === 'error') throw reply.err;
    debug('%s: connecting directly', host.name);
    return opts.direct.open(host, o);
  };

  /**
   * A warm worker's gate (src/warm/worker.ts): a session for every host on the connection the
   * daemon keeps for it, only where one is up now (the daemon connects nothing for this). True
   * when every host got one: open() then hands each out with no round trip of its own. False:
   * the sessions it opened are closed again and nothing else was done. Each says the host's
   * connect timeout as resolved for this run (its ConnectTimeout, or --connect-timeout): the daemon's
   * liveness check and reconnect of that session use it.
   */
  const takeKept = async (hosts: readonly ResolvedHost[]): Promise<boolean> => {
    const l = await getLink();
    if (!l || l.gone) return false;
    const opened = await Promise.all(
      hosts.map(async (host) => {
        const persist = opts.persistFor(host);
        if (persist === 'no') return undefined;
        const sid = l.id();
        const reply = await exchange(l, sid, { ...requestFor(host, persist, host.connectTimeout), onlyKept: true });
        return reply.kind === 'ok' ? { host, session: new DaemonSession(host, l, sid), warnings: reply.warnings } : undefined;
      }),
    );
    if (opened.every((x) => x !== undefined)) {
      for (const x of opened) taken.set(x.host, x);
      return true;
    }
    for (const x of opened) x?.session.close();
    return false;
  };

  return {
    open,
    takeKept,
    close: () => {
      linked?.close();
      opts.direct.close();
    },
  };
}
