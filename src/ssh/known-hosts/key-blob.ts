import { createHash } from 'node:crypto';
import type { HostKey } from './types.js';

/**
 * Read the key type from an SSH wire blob (uint32 length + type name first), as ssh2's hostVerifier
 * hands it over. Throws on a blob too short to hold its type.
 */
export function parseKeyBlob(blob: Buffer): HostKey {
  const type = readBlobType(blob);
  if (type === undefined) throw new Error(`not an SSH public key blob (${blob.length} bytes)`);
  return { type, data: blob };
}

/** The type name at the head of a blob, or undefined when the blob cannot hold one. */
export function readBlobType(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const len = blob.readUInt32BE(0);
  // Type names are short printable ASCII; anything else is not a key blob.
  if (len === 0 || len > 64 || 4 + len > blob.length) return undefined;
  const type = blob.subarray(4, 4 + len).toString('latin1');
  return /^[\x21-\x7e]+$/.test(type) ? type : undefined;
}

/** `SHA256:` + unpadded base64 of the blob's SHA-256, as `ssh-keygen -l -E sha256` prints it. */
export function fingerprintSha256(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}
