import { DEFAULT_HOST_KEY_ALGORITHMS } from './config/algorithms.js';
import type { ResolvedHost } from './types.js';
import { isRevoked, readRevokedFile } from './known-hosts/revoked.js';
import {
  fingerprintSha256,
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

/**
 * Checks the key a server sent; resolves to undefined when accepted, else the one-line reason.
 * RevokedHostKeys is checked first (a file that cannot be read refuses the host, as with ssh);
 * a new host that cannot be written to known_hosts is `warn`ed about and accepted, as with ssh.
 */
export async function checkServerKey(host: ResolvedHost, blob: Buffer, warn?: (message: string) => void): Promise<string | undefined> {
  const name = knownHostsName(host);
  const key = parseKeyBlob(blob);
  for (const file of host.revokedHostKeys ?? []) {
    let set;
    try {
      set = await readRevokedFile(file);
    } catch (err) {
      return `cannot check the host key of ${name} against RevokedHostKeys ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}: refusing to connect`;
    }
    if (isRevoked(set, blob)) {
      return `host key for ${name} is revoked (RevokedHostKeys ${file}; server sent ${key.type} ${fingerprintSha256(blob)}): refusing to connect`;
    }
  }
  const result = await verifyHostKey({
    files: knownHostsFiles(host),
    names: [name],
    key,
    strict: host.strictHostKeyChecking,
    appendTo: host.userKnownHostsFiles[0],
    hostToken: name,
    hash: host.hashKnownHosts === true,
  });
  if (result.ok && result.warning) warn?.(`warning: ${result.warning}`);
  return result.ok ? undefined : result.message;
}
