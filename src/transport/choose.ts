import type { Connector } from '../ssh/jump-connect.js';
import { makeDirectTransport } from './direct.js';
import type { Transport } from './types.js';

/**
 * The one place that picks how a run reaches its hosts (as OpenSSH's ssh.c tries muxclient()
 * before ssh_connect()); nothing after it knows which transport it got.
 */
export function chooseTransport(connector: Connector): Transport {
  return makeDirectTransport(connector);
}
