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

  const open = async (host: ResolvedHost, o: OpenOptions): Promise<HostSession> => {
    const persist = opts.persistFor(host);
    if (persist === 'no') return opts.direct.open(host, o);
    const l = await getLink();
    if (!l || l.gone) return opts.direct.open(host, o);
    const route = opts.route(host);
    const sid = l.id();
    const req: OpenSessionRequest = { key: keptConnectionKey(hostForDaemon(host), route), host: hostForDaemon(host), route: route ?? null, connectTimeout: o.connectTimeout, persist };
    const reply = await new Promise<{ kind: 'ok' } | { kind: 'direct' } | { kind: 'error'; err: Error }>((resolve) => {
      const done = (r: { kind: 'ok' } | { kind: 'direct' } | { kind: 'error'; err: Error }): void => {
        offGone();
        o.signal?.removeEventListener('abort', onAbort);
        resolve(r);
      };
      const offGone = l.onGone(() => done({ kind: 'direct' }));
      const onAbort = (): void => {
        l.send(Kind.closeSession, sid);
        l.off(sid);
        done({ kind: 'error', err: new ConnectError('interrupted while connecting', 'interrupted') });
      };
      o.signal?.addEventListener('abort', onAbort, { once: true });
      l.on(sid, (kind, payload) => {
        if (kind === Kind.sessionOk) {
          for (const w of parseJson<{ warnings?: string[] }>(payload).warnings ?? []) {
            if (warned.has(w)) continue;
            warned.add(w);
            o.warn?.(w);
          }
          done({ kind: 'ok' });
        }
        else if (kind === Kind.sessionError) {
          l.off(sid);
          const e = parseJson<SessionErrorReply>(payload);
          done(e.fallback ? { kind: 'direct' } : { kind: 'error', err: connectErrorFrom(e) });
        }
      });
      l.send(Kind.openSession, sid, req);
    });
    if (reply.kind === 'ok') return new DaemonSession(host, l, sid);
    if (reply.kind === 'error') throw reply.err;
    debug('%s: connecting directly', host.name);
    return opts.direct.open(host, o);
  };

  return {
    open,
    close: () => {
      linked?.close();
      opts.direct.close();
    },
  };
}
