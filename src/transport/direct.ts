import { SshConnection } from '../ssh/connection.js';
import type { Connector } from '../ssh/jump-connect.js';
import type { ResolveHop } from '../ssh/jump-route.js';
import { SshSession } from '../ssh/session.js';
import type { Transport } from './types.js';

/**
 * The direct transport: each host of the run gets a connection of its own, made by `connector`
 * (TCP, ProxyJump or ProxyCommand), ended with the host's session.
 */
export function makeDirectTransport(connector: Pick<Connector, 'connect' | 'close'>): Transport {
  return {
    open: async (host, opts) => new SshSession(host, new SshConnection(await connector.connect(host, opts))),
    close: () => connector.close(),
  };
}

/**
 * The direct transport, its connector (and with it ssh2) loaded on the first open: a run whose
 * hosts all go through kept connections never loads ssh2.
 */
export function makeLazyDirectTransport(resolveHop: ResolveHop): Transport {
  let loading: Promise<Transport> | undefined;
  let loaded: Transport | undefined;
  const load = (): Promise<Transport> =>
    (loading ??= import('../ssh/jump-connect.js').then((m) => (loaded = makeDirectTransport(m.makeConnector({ resolveHop })))));
  return {
    open: async (host, opts) => (await load()).open(host, opts),
    close: () => loaded?.close(),
  };
}
