import { DEFAULT_HOST_KEY_ALGORITHMS } from './config/algorithms.js';
import type { ResolvedHost } from './types.js';
import {
  formatKnownHostsName,
  listKnownKeyTypes,
  parseKeyBlob,
  preferKnownHostKeyAlgorithms,
  readKnownHostsFiles,
  verifyHostKey,
} from './known-hosts.js';


/** The name ssh looks up in known_hosts: HostKeyAlias or HostName, as `[name]:port` off port 22. */
export function knownHostsName(host: ResolvedHost): string {
  return formatKnownHostsName(host.hostKeyAlias ?? host.hostname, host.port);
}

function knownHostsFiles(host: ResolvedHost): string[] {
  return [...host.userKnownHostsFiles, ...host.globalKnownHostsFiles];
}

/**
 * Host key algorithms to offer, those of keys already known for this host first (as ssh does),
 * so a host known by its ECDSA key is not refused because ED25519 was negotiated.
 */
export async function hostKeyAlgorithmsFor(host: ResolvedHost): Promise<string[]> {
  // an explicit HostKeyAlgorithms is offered as written, as ssh does (it reorders only its default)
  if (host.hostKeyAlgorithms !== undefined) return host.hostKeyAlgorithms;
  const lines = await readKnownHostsFiles(knownHostsFiles(host));
  return preferKnownHostKeyAlgorithms(DEFAULT_HOST_KEY_ALGORITHMS, listKnownKeyTypes(lines, [knownHostsName(host)]));
}

/** Checks the key a server sent; resolves to undefined when accepted, else the one-line reason. */
export async function checkServerKey(host: ResolvedHost, blob: Buffer): Promise<string | undefined> {
  const name = knownHostsName(host);
  const result = await verifyHostKey({
    files: knownHostsFiles(host),
    names: [name],
    key: parseKeyBlob(blob),
    strict: host.strictHostKeyChecking,
    appendTo: host.userKnownHostsFiles[0],
    hostToken: name,
  });
  return result.ok ? undefined : result.message;
}
