import { SshConnection } from '../ssh/connection.js';
import type { Connector } from '../ssh/jump-connect.js';
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
