import { readFile, stat } from 'node:fs/promises';
import ssh2 from 'ssh2';
import type { ParsedKey } from 'ssh2';
import { debug } from '../core/debug.js';


/** What the agent at a socket holds: the public key blobs, or why it could not be asked. */
export type AgentKeys = { ok: true; blobs: Buffer[] } | { ok: false; why: string };

// Asked once per socket for the whole run: 200 hosts must not mean 200 identity requests.
const listed = new Map<string, Promise<AgentKeys>>();

/** The identities of the agent at `socket` (ssh-add -L), once per run; a dead socket is `ok: false`. */
export function listAgentKeys(socket: string): Promise<AgentKeys> {
  let pending = listed.get(socket);
  if (!pending) {
    pending = new Promise<AgentKeys>((resolve) => {
      new ssh2.OpenSSHAgent(socket).getIdentities((err, keys) => {
        if (err) {
          debug('agent %s: %s', socket, err.message);
          // ssh2 says "Failed to connect to agent" for everything: the socket itself tells more
          stat(socket).then(
            (info) => resolve({ ok: false, why: info.isSocket() ? err.message.toLowerCase() : 'not a socket' }),
            (e: NodeJS.ErrnoException) => resolve({ ok: false, why: e.code === 'ENOENT' ? 'no such socket' : e.message }),
          );
        } else {
          resolve({ ok: true, blobs: (keys ?? []).map((k) => (k as ParsedKey).getPublicSSH()) });
        }
      });
    });
    listed.set(socket, pending);
  }
  return pending;
}

/** The agent, refusing to make SHA-1 RSA signatures (ssh-rsa), as OpenSSH 8.8 and later do. */
export class Sha2Agent extends ssh2.OpenSSHAgent {
  /** `allowSha1`: PubkeyAcceptedAlgorithms names ssh-rsa, so SHA-1 signatures are made. */
  constructor(socket: string, allowSha1 = false) {
    super(socket);
    const sign = this.sign.bind(this) as (...args: unknown[]) => boolean;
    // assigned, not overridden: ssh2's typings overload sign(), the call is what matters
    this.sign = ((pubKey: ParsedKey, data: Buffer, options?: unknown, cb?: unknown) => {
      const done = (typeof options === 'function' ? options : cb) as (err?: Error, sig?: Buffer) => void;
      const hash = typeof options === 'function' ? undefined : (options as { hash?: string } | undefined)?.hash;
      if (!allowSha1 && pubKey.type === 'ssh-rsa' && hash !== 'sha256' && hash !== 'sha512') {
        const name = pubKey.comment ? `the agent's RSA key ${pubKey.comment}` : "the agent's RSA key";
        done(new Error(`refusing to sign with SHA-1 (ssh-rsa) for ${name}: the server accepts no rsa-sha2-256/512 signature, which OpenSSH 8.8 and later require too`));
        return false;
      }
      return sign(pubKey, data, options, cb);
    }) as typeof this.sign;
  }
}

/**
 * The agent restricted to one key: what ssh does for an IdentityFile whose key the agent holds
 * (it signs through the agent, and offers no other agent key under IdentitiesOnly).
 */
export class OneKeyAgent extends Sha2Agent {
  constructor(socket: string, private readonly blob: Buffer, allowSha1 = false) {
    super(socket, allowSha1);
  }

  override getIdentities(cb: (err: Error | undefined, keys?: ParsedKey[]) => void): void {
    super.getIdentities((err, keys) => {
      if (err) cb(err);
      else cb(undefined, ((keys ?? []) as ParsedKey[]).filter((k) => k.getPublicSSH().equals(this.blob)));
    });
  }
}

/**
 * The public key blob of an identity file, without its passphrase: from `FILE.pub`, else from the
 * unencrypted public part of an OpenSSH-format private key (as ssh reads it). Undefined when
 * neither is there (an old PEM key without its .pub).
 */
export async function readPublicBlob(file: string): Promise<Buffer | undefined> {
  try {
    const parsed = ssh2.utils.parseKey(await readFile(`${file}.pub`));
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    if (key && !(key instanceof Error)) return key.getPublicSSH();
  } catch (err) {
    debug('identity %s.pub: %s', file, (err as Error).message);
  }
  try {
    return openSshPublicPart(await readFile(file, 'latin1'));
  } catch {
    return undefined;
  }
}

const OPENSSH_MAGIC = 'openssh-key-v1\0';

/** openssh-key-v1: magic, cipher, kdf, kdf options, key count, then the first public key in clear. */
export function openSshPublicPart(text: string): Buffer | undefined {
  const m = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(text);
  if (!m) return undefined;
  const data = Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64');
  if (data.subarray(0, OPENSSH_MAGIC.length).toString('latin1') !== OPENSSH_MAGIC) return undefined;
  let at = OPENSSH_MAGIC.length;
  const take = (): Buffer | undefined => {
    if (at + 4 > data.length) return undefined;
    const len = data.readUInt32BE(at);
    if (at + 4 + len > data.length) return undefined;
    const out = data.subarray(at + 4, at + 4 + len);
    at += 4 + len;
    return out;
  };
  for (let i = 0; i < 3; i++) if (take() === undefined) return undefined;
  if (at + 4 > data.length || data.readUInt32BE(at) < 1) return undefined;
  at += 4;
  return take();
}
