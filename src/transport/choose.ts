import type { JumpHop, ResolveHop } from '../ssh/jump-route.js';
import type { ResolvedHost } from '../ssh/types.js';
import { makeLazyDirectTransport } from './direct.js';
import type { Transport } from './types.js';

export interface ChooseOptions {
  hosts: readonly ResolvedHost[];
  resolveHop: ResolveHop;
  route: (host: ResolvedHost) => JumpHop | undefined;
}

/**
 * The one place that picks how a run reaches its hosts (as OpenSSH's ssh.c tries muxclient()
 * before ssh_connect()); nothing after it knows which transport it got.
 */
export function chooseTransport(opts: ChooseOptions): Transport {
  return makeLazyDirectTransport(opts.resolveHop);
}
