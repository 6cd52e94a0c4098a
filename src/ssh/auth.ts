import { createPrivateKey, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import type { ParsedKey } from 'ssh2';
import { ConnectError } from '../errors.js';
import type { ResolvedHost } from './types.js';
import { listAgentKeys, OneKeyAgent, readPublicBlob, Sha2Agent } from './agent.js';
import { signatureAlgorithmsOf } from './config/algorithms.js';
import { promptPassphrase } from './passphrase.js';
import { debug } from '../core/debug.js';


/** The keys ssh tries when no IdentityFile was set (those that exist). */
export const DEFAULT_IDENTITY_FILES = ['~/.ssh/id_ed25519', '~/.ssh/id_ecdsa', '~/.ssh/id_rsa'];

type AuthStep =
  | { type: 'agent'; username: string; agent: Sha2Agent }
  | { type: 'publickey'; username: string; key: ParsedKey };

// Parsed once per file for the whole run: 200 hosts must not mean 200 key parses or prompts.
const keyCache = new Map<string, Promise<ParsedKey | null>>();

function expandHome(file: string): string {
  return file === '~' || file.startsWith('~/') ? path.join(os.homedir(), file.slice(1)) : file;
}

function isEncryptedKeyError(err: Error): boolean {
  return /encrypted|passphrase/i.test(err.message);
}

async function parseKeyFile(file: string): Promise<ParsedKey | null> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (err) {
    debug('identity %s unreadable: %s', file, (err as Error).message);
    return null;
  }
  let parsed = ssh2.utils.parseKey(data);
  if (parsed instanceof Error && isEncryptedKeyError(parsed)) {
    if (!process.stdin.isTTY) {
      throw new ConnectError(
        `identity ${file} is encrypted and there is no TTY to ask for its passphrase: add it to ssh-agent (ssh-add ${file})`,
        'client-authentication',
      );
    }
    const passphrase = await promptPassphrase(`Enter passphrase for key '${file}': `);
    parsed = ssh2.utils.parseKey(data, passphrase);
  }
  if (parsed instanceof Error) {
    throw new ConnectError(`identity ${file}: ${parsed.message}`, 'client-authentication');
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key) cacheSigningKey(key);
  if (key) refuseSha1Signatures(key, file);
  return key ?? null;
}

/**
 * ssh2 signs with the key's PEM text, which OpenSSL parses again for every signature; one
 * KeyObject made up front does the same signature without that, once per host saved.
 */
function cacheSigningKey(key: ParsedKey): void {
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey(key.getPrivatePEM());
  } catch {
    return;
  }
  const original = key.sign.bind(key);
  const defaultAlgo = key.type === 'ssh-ed25519' ? null : undefined;
  key.sign = ((data: Buffer, algo?: string) => {
    if (defaultAlgo === undefined && !algo) return original(data, algo);
    try {
      return cryptoSign(algo || null, data, keyObject);
    } catch (err) {
      return err as Error;
    }
  }) as ParsedKey['sign'];
}

/** The one line for a server that would only take a SHA-1 RSA signature (OpenSSH 8.8+ will not make one either). */
export function sha1Refusal(what: string): Error {
  return new Error(`refusing to sign with SHA-1 (ssh-rsa) for ${what}: the server accepts no rsa-sha2-256/512 signature, which OpenSSH 8.8 and later require too`);
}

 // The key's sign() before refuseSha1Signatures: what a host whose PubkeyAcceptedAlgorithms names ssh-rsa gets.
const SHA1_SIGN = Symbol('isuops.sha1Sign');

/** ssh2 signs an RSA key with SHA-1 when the server announces no rsa-sha2-*: refused, as ssh does. */
function refuseSha1Signatures(key: ParsedKey, file: string): void {
  if (key.type !== 'ssh-rsa') return;
  const sign = key.sign.bind(key);
  (key as unknown as Record<symbol, unknown>)[SHA1_SIGN] = sign;
  key.sign = ((data: Buffer, algo?: string) => (algo === 'sha256' || algo === 'sha512' ? sign(data, algo) : sha1Refusal(`the RSA key ${file}`))) as ParsedKey['sign'];
}

/**
 * The key as a host uses it: with PubkeyAcceptedAlgorithms naming ssh-rsa (`+ssh-rsa`, `ssh-rsa`),
 * an RSA key that signs with SHA-1 too (a view of the cached key: other hosts keep refusing).
 */
function forHost(key: ParsedKey, allowSha1: boolean): ParsedKey {
  const sha1 = (key as unknown as Record<symbol, ParsedKey['sign'] | undefined>)[SHA1_SIGN];
  return allowSha1 && sha1 ? (Object.create(key, { sign: { value: sha1 } }) as ParsedKey) : key;
}

/** Loads (once per run) the private key in `file`; null when the file is missing, like ssh. */
export function loadIdentity(file: string): Promise<ParsedKey | null> {
  const full = expandHome(file);
  let pending = keyCache.get(full);
  if (!pending) {
    pending = parseKeyFile(full);
    keyCache.set(full, pending);
  }
  return pending;
}

/** Where buildAuthSteps finds the agent and says what it could not use. */
export interface AuthOptions {
  env?: NodeJS.ProcessEnv;
  /** A one-line warning for the operator (an agent socket that is gone). */
  warn?: (message: string) => void;
}

// A dead agent socket is said once per run, not once per host.
const warnedAgents = new Set<string>();

/** The agent socket ssh would use: IdentityAgent (`SSH_AUTH_SOCK` means the variable), else $SSH_AUTH_SOCK. */
function agentSocket(host: ResolvedHost, env: NodeJS.ProcessEnv): string | undefined {
  const agent = host.identityAgent === 'SSH_AUTH_SOCK' ? env.SSH_AUTH_SOCK : host.identityAgent ?? env.SSH_AUTH_SOCK;
  return agent && agent !== 'none' ? expandHome(agent) : undefined;
}

/**
 * The authentication steps for a host, in ssh's order: the agent (unless IdentitiesOnly), then
 * each identity file that exists. A file whose public key (FILE.pub, or the key's own clear public
 * part) the agent holds is signed through the agent, as ssh does, so an encrypted key that was
 * ssh-add'ed is never asked for nor refused; under IdentitiesOnly only such keys of the agent are
 * offered. An agent socket that is gone (a stale SSH_AUTH_SOCK) is warned about once and the key
 * files are used.
 */
export async function buildAuthSteps(host: ResolvedHost, opts: AuthOptions = {}): Promise<AuthStep[]> {
  const env = opts.env ?? process.env;
  const steps: AuthStep[] = [];
  const accepted = host.pubkeyAcceptedAlgorithms;
  const allowSha1 = accepted?.includes('ssh-rsa') ?? false;
  // ssh offers no key none of whose signature algorithms PubkeyAcceptedAlgorithms names
  const offered = (type: string): boolean => accepted === undefined || signatureAlgorithmsOf(type).some((a) => accepted.includes(a));
  const socket = agentSocket(host, env);
  let agentBlobs: Buffer[] = [];
  if (socket !== undefined) {
    const agent = await listAgentKeys(socket);
    if (agent.ok) {
      agentBlobs = agent.blobs;
      if (!host.identitiesOnly) steps.push({ type: 'agent', username: host.user, agent: new Sha2Agent(socket, allowSha1) });
    } else if (!warnedAgents.has(socket)) {
      warnedAgents.add(socket);
      opts.warn?.(`warning: ssh-agent at ${socket} is not reachable (${agent.why}): using the key files`);
    }
  }
  const files = host.identityFiles.length > 0 ? host.identityFiles : DEFAULT_IDENTITY_FILES;
  for (const file of files) {
    const blob = agentBlobs.length > 0 ? await readPublicBlob(expandHome(file)) : undefined;
    if (blob !== undefined && agentBlobs.some((b) => b.equals(blob))) {
      // the agent step above already offers it; under IdentitiesOnly it is offered alone
      if (host.identitiesOnly) steps.push({ type: 'agent', username: host.user, agent: new OneKeyAgent(socket as string, blob, allowSha1) });
      continue;
    }
    const key = await loadIdentity(file);
    if (key && offered(key.type)) steps.push({ type: 'publickey', username: host.user, key: forHost(key, allowSha1) });
    else if (key) debug('%s: identity %s (%s) skipped: PubkeyAcceptedAlgorithms names none of its algorithms', host.name, file, key.type);
  }
  return steps;
}
