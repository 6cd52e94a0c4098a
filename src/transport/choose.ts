import { makeKeptTransport } from '../daemon/transport.js';
import type { Persist } from '../daemon/types.js';
import { UsageError } from '../errors.js';
import { parseControlPersistValue } from '../ssh/config/values.js';
import type { JumpHop, ResolveHop } from '../ssh/jump-route.js';
import type { ResolvedHost } from '../ssh/types.js';
import { makeLazyDirectTransport } from './direct.js';
import type { Transport } from './types.js';

/** isuops's ControlPersist when neither the config nor -o sets one: 10 minutes. */
export const DEFAULT_CONTROL_PERSIST = 600;

export interface ChooseOptions {
  hosts: readonly ResolvedHost[];
  resolveHop: ResolveHop;
  route: (host: ResolvedHost) => JumpHop | undefined;
  env?: NodeJS.ProcessEnv;
}

/** The default for hosts without ControlPersist: $ISUOPS_CONTROL_PERSIST (same syntax), else 10 minutes. */
export function defaultPersist(env: NodeJS.ProcessEnv): Persist | 'no' {
  const text = env.ISUOPS_CONTROL_PERSIST;
  if (text === undefined || text === '') return DEFAULT_CONTROL_PERSIST;
  try {
    return parseControlPersistValue(text, 'ISUOPS_CONTROL_PERSIST');
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/**
 * The one place that picks how a run reaches its hosts (as OpenSSH's ssh.c tries muxclient()
 * before ssh_connect()): through the daemon's kept connections unless ControlPersist says no
 * for every host; nothing after it knows which transport it got.
 */
export function chooseTransport(opts: ChooseOptions): Transport {
  const direct = makeLazyDirectTransport(opts.resolveHop);
  const fallback = defaultPersist(opts.env ?? process.env);
  const persistFor = (host: ResolvedHost): Persist | 'no' => host.controlPersist ?? fallback;
  if (opts.hosts.every((h) => persistFor(h) === 'no')) return direct;
  return makeKeptTransport({ direct, route: opts.route, persistFor });
}
