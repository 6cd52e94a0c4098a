import { UsageError } from '../../errors.js';
import { matchPattern } from './pattern.js';

/**
 * Host key algorithms isuops negotiates by default: OpenSSH 9.x's default list, less what ssh2
 * cannot do (certificates, security keys). No `ssh-rsa`: OpenSSH 8.8 and later refuse SHA-1 RSA
 * signatures unless HostKeyAlgorithms adds them back (`+ssh-rsa`).
 */
export const DEFAULT_HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
];

/** What ssh2 can verify, so what HostKeyAlgorithms can ask for. */
const SUPPORTED = [...DEFAULT_HOST_KEY_ALGORITHMS, 'ssh-rsa', 'ssh-dss'];

/** `ssh -Q HostKeyAlgorithms` of OpenSSH 9.x: names ssh accepts though isuops cannot use them. */
const OPENSSH_ONLY = [
  'ssh-ed25519-cert-v01@openssh.com', 'sk-ssh-ed25519@openssh.com', 'sk-ssh-ed25519-cert-v01@openssh.com',
  'ecdsa-sha2-nistp256-cert-v01@openssh.com', 'ecdsa-sha2-nistp384-cert-v01@openssh.com',
  'ecdsa-sha2-nistp521-cert-v01@openssh.com', 'sk-ecdsa-sha2-nistp256@openssh.com',
  'sk-ecdsa-sha2-nistp256-cert-v01@openssh.com', 'webauthn-sk-ecdsa-sha2-nistp256@openssh.com',
  'ssh-dss-cert-v01@openssh.com', 'ssh-rsa-cert-v01@openssh.com', 'rsa-sha2-256-cert-v01@openssh.com',
  'rsa-sha2-512-cert-v01@openssh.com',
];

/** The names (supported ones, in `within`'s order) that one list entry stands for; patterns allowed. */
function expand(entry: string, within: string[]): string[] {
  return within.filter((name) => matchPattern(name, entry));
}

/** ssh's parse-time check: every entry names (or matches) an algorithm ssh knows. */
export function checkHostKeyAlgorithms(value: string, where: string): void {
  const op = /^[+\-^]/.test(value) ? value[0] : '';
  const entries = value.slice(op.length).split(',');
  const all = [...SUPPORTED, ...OPENSSH_ONLY];
  for (const entry of entries) {
    if (entry === '' || expand(entry, all).length === 0) throw new UsageError(`${where}: Bad key types '${value}'.`);
  }
}

/** ssh's kex_assemble_names: `LIST` replaces `defaults`, `+LIST` appends, `-LIST` removes, `^LIST` puts in front; patterns allowed. */
function assemble(value: string, defaults: readonly string[], supported: readonly string[]): string[] {
  const op = /^[+\-^]/.test(value) ? value[0] : '';
  const entries = value.slice(op.length).split(',').filter((e) => e !== '');
  const named = entries.flatMap((e) => expand(e, [...supported]));
  let list: string[];
  if (op === '+') list = [...defaults, ...named];
  else if (op === '-') list = defaults.filter((a) => !named.includes(a));
  else if (op === '^') list = [...named, ...defaults];
  else list = named;
  return [...new Set(list)];
}

/**
 * HostKeyAlgorithms as ssh's kex_assemble_names reads it: `LIST` replaces the default, `+LIST`
 * appends to it, `-LIST` removes from it, `^LIST` puts in front of it; entries may be patterns.
 * Names ssh knows but ssh2 cannot verify are dropped; a name nobody knows is ssh's "Bad key types".
 */
export function parseHostKeyAlgorithms(value: string, where: string): string[] {
  checkHostKeyAlgorithms(value, where);
  const unique = assemble(value, DEFAULT_HOST_KEY_ALGORITHMS, SUPPORTED);
  if (unique.length === 0) {
    throw new UsageError(`${where}: HostKeyAlgorithms ${value} leaves no algorithm isuops can use (it can: ${SUPPORTED.join(',')})`);
  }
  return unique;
}

/**
 * Signature algorithms user authentication may use by default: OpenSSH 9.x's
 * PubkeyAcceptedAlgorithms less certificates and security keys. No SHA-1 `ssh-rsa`.
 */
export const DEFAULT_PUBKEY_ALGORITHMS = DEFAULT_HOST_KEY_ALGORITHMS;

/**
 * PubkeyAcceptedAlgorithms (or its old name PubkeyAcceptedKeyTypes), read like HostKeyAlgorithms:
 * the signature algorithms isuops signs with, e.g. `+ssh-rsa` or `ssh-rsa` to allow SHA-1 RSA
 * signatures. An empty result is allowed: no key is offered (ssh then says permission denied too).
 */
export function parsePubkeyAcceptedAlgorithms(value: string, where: string): string[] {
  checkHostKeyAlgorithms(value, where);
  return assemble(value, DEFAULT_PUBKEY_ALGORITHMS, SUPPORTED);
}

/** The signature algorithms a key of `keyType` can make (ssh2's key types). */
export function signatureAlgorithmsOf(keyType: string): string[] {
  return keyType === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [keyType];
}
