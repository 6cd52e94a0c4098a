import type { ResolvedHost } from './types.js';
import { parseKeyBlob, verifyHostKey } from './known-hosts.js';

/** The name ssh looks up in known_hosts: HostKeyAlias or HostName, as `[name]:port` off port 22. */
export function knownHostsName(host: ResolvedHost): string {
  const name = host.hostKeyAlias ?? host.hostname;
  return host.port === 22 ? name : `[${name}]:${host.port}`;
}

/** Checks the key a server sent; resolves to undefined when accepted, else the one-line reason. */
export async function checkServerKey(host: ResolvedHost, blob: Buffer): Promise<string | undefined> {
  const name = knownHostsName(host);
  const result = await verifyHostKey({
    files: [...host.userKnownHostsFiles, ...host.globalKnownHostsFiles],
    names: [name],
    key: parseKeyBlob(blob),
    strict: host.strictHostKeyChecking,
    appendTo: host.userKnownHostsFiles[0],
    hostToken: name,
  });
  return result.ok ? undefined : result.message;
}
