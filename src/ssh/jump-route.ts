import { UsageError } from '../errors.js';
import { formatJumpList } from './jump.js';
import { expandProxyCommand } from './proxy-command.js';
import type { JumpSpec, ResolvedHost } from './types.js';

/** One jump host on the way to a target: resolved by its own config entry, reached `via` the hop before it. */
export interface JumpHop {
  /** Identifies one connection: hops with equal keys share it for the whole run. */
  key: string;
  /** The hop as written in ProxyJump / -J (`bastion`, `admin@gw:2222`), for messages. */
  label: string;
  host: ResolvedHost;
  /** The hop before this one; undefined when this hop is reached directly (or by its ProxyCommand). */
  via?: JumpHop;
}

/**
 * Resolves a hop like `ssh [-l user] [-p port] [-J before] hop` would (ssh.c turns ProxyJump into
 * exactly that command): `before` becomes the hop's own -J, so it overrides the hop's config;
 * with nothing before, the hop's own ProxyJump / ProxyCommand applies.
 */
export type ResolveHop = (hop: JumpSpec, before: JumpSpec[]) => ResolvedHost;

// ssh itself would recurse forever on `Host * ProxyJump bastion` without `Host bastion ProxyJump none`.
const MAX_DEPTH = 16;

/** The last hop of `host`'s ProxyJump chain, its own route planned recursively; undefined for no jump. */
export function planJumpRoute(host: ResolvedHost, resolveHop: ResolveHop, depth = 0): JumpHop | undefined {
  if (host.proxyJump.length === 0) return undefined;
  if (depth >= MAX_DEPTH) {
    throw new UsageError(
      `ProxyJump loop reaching ${host.alias} (more than ${MAX_DEPTH} hops): give the jump host "ProxyJump none" in the ssh config`,
    );
  }
  const hops = host.proxyJump;
  const last = hops[hops.length - 1] as JumpSpec;
  const before = hops.slice(0, -1);
  const hopHost = resolveHop(last, before);
  const via = planJumpRoute(hopHost, resolveHop, depth + 1);
  const hop: JumpHop = { key: makeHopKey(hopHost, via), label: formatJumpList([last]), host: hopHost };
  if (via) hop.via = via;
  return hop;
}

/** Everything that makes two hop connections different; equal keys share one connection. */
function makeHopKey(host: ResolvedHost, via: JumpHop | undefined): string {
  const { name: _name, alias: _alias, ...rest } = host;
  return JSON.stringify({ ...rest, via: via?.key ?? null });
}

/** `a,b` for `isuops hosts`: the full chain as ssh would walk it (hops' own ProxyJumps included). */
export function formatJumpRoute(hop: JumpHop | undefined): string {
  const labels: string[] = [];
  for (let h = hop; h; h = h.via) labels.unshift(h.label);
  return labels.length === 0 ? '-' : labels.join(',');
}

/** The hosts of every hop on the way, nearest first. */
export function hostsOnRoute(hop: JumpHop | undefined): ResolvedHost[] {
  const out: ResolvedHost[] = [];
  for (let h = hop; h; h = h.via) out.push(h.host);
  return out;
}

/**
 * Plans (once per host object) each host's route with a cache of resolved hops: what a run
 * needs before connecting (a ProxyJump loop is a usage error before anything connects).
 */
export function makeRouter(resolveHop: ResolveHop): (host: ResolvedHost) => JumpHop | undefined {
  const hopCache = new Map<string, ResolvedHost>();
  const routes = new WeakMap<ResolvedHost, JumpHop | undefined>();
  const cached: ResolveHop = (hop, before) => {
    const key = JSON.stringify([hop, before]);
    let host = hopCache.get(key);
    if (!host) hopCache.set(key, (host = resolveHop(hop, before)));
    return host;
  };
  return (host) => {
    if (!routes.has(host)) {
      const planned = planJumpRoute(host, cached);
      // a ProxyCommand anywhere on the way is expanded now: a name it must not get is refused before anything runs
      for (const h of [host, ...hostsOnRoute(planned)]) if (h.proxyCommand !== undefined) expandProxyCommand(h);
      routes.set(host, planned);
    }
    return routes.get(host);
  };
}
