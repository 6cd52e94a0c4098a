import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';

/** What one RevokedHostKeys file revokes: whole key blobs and SHA-1 / SHA-256 hashes of blobs (hex). */
export interface RevokedSet {
  blobs: Set<string>;
  sha1: Set<string>;
  sha256: Set<string>;
}

const KRL_MAGIC = Buffer.from('SSHKRL\n\0', 'latin1');
const SECTION_EXPLICIT_KEY = 2;
const SECTION_FINGERPRINT_SHA1 = 3;
const SECTION_SIGNATURE = 4;
const SECTION_FINGERPRINT_SHA256 = 5;

/**
 * A KRL as `ssh-keygen -k` writes it (PROTOCOL.krl): explicit keys and SHA-1/SHA-256 fingerprint
 * sections are read; certificate sections are skipped (isuops uses no certificates) and the
 * signature, which ends the sections, ends the reading. Throws on a truncated file.
 */
export function parseKrl(data: Buffer): RevokedSet {
  const out: RevokedSet = { blobs: new Set(), sha1: new Set(), sha256: new Set() };
  // magic, format version, krl_version, generated_date, flags
  let at = KRL_MAGIC.length + 4 + 8 * 3;
  const string = (buf: Buffer, pos: { at: number }): Buffer => {
    if (pos.at + 4 > buf.length) throw new Error('truncated KRL');
    const len = buf.readUInt32BE(pos.at);
    if (pos.at + 4 + len > buf.length) throw new Error('truncated KRL');
    const s = buf.subarray(pos.at + 4, pos.at + 4 + len);
    pos.at += 4 + len;
    return s;
  };
  const pos = { at };
  string(data, pos); // reserved
  string(data, pos); // comment
  at = pos.at;
  while (at < data.length) {
    const type = data[at]!;
    if (type === SECTION_SIGNATURE) break;
    pos.at = at + 1;
    const section = string(data, pos);
    at = pos.at;
    const set = type === SECTION_EXPLICIT_KEY ? out.blobs : type === SECTION_FINGERPRINT_SHA1 ? out.sha1 : type === SECTION_FINGERPRINT_SHA256 ? out.sha256 : undefined;
    if (!set) continue;
    const inner = { at: 0 };
    while (inner.at < section.length) set.add(string(section, inner).toString('hex'));
  }
  return out;
}

/** A plain list of public keys (`type base64 [comment]` per line, `#` comments), as ssh also accepts. */
export function parseKeyList(text: string): RevokedSet {
  const out: RevokedSet = { blobs: new Set(), sha1: new Set(), sha256: new Set() };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const b64 = line.split(/\s+/).find((word, i) => i > 0 && /^AAAA[A-Za-z0-9+/]+={0,2}$/.test(word));
    if (b64) out.blobs.add(Buffer.from(b64, 'base64').toString('hex'));
  }
  return out;
}

/** Whether `blob` (a host key's wire blob) is revoked by the set. */
export function isRevoked(set: RevokedSet, blob: Buffer): boolean {
  return set.blobs.has(blob.toString('hex'))
    || set.sha1.has(createHash('sha1').update(blob).digest('hex'))
    || set.sha256.has(createHash('sha256').update(blob).digest('hex'));
}

// Read once per run while size and mtime stay the same: every host of the run checks the same files.
const cache = new Map<string, { size: number; mtimeMs: number; set: Promise<RevokedSet> }>();

/** The set in one file (KRL, else a key list); throws when it cannot be read, as ssh then refuses the host. */
export async function readRevokedFile(file: string): Promise<RevokedSet> {
  const info = await stat(file);
  const hit = cache.get(file);
  if (hit && hit.size === info.size && hit.mtimeMs === info.mtimeMs) return hit.set;
  const set = readFile(file).then((data) =>
    data.subarray(0, KRL_MAGIC.length).equals(KRL_MAGIC) ? parseKrl(data) : parseKeyList(data.toString('utf8')),
  );
  cache.set(file, { size: info.size, mtimeMs: info.mtimeMs, set });
  set.catch(() => cache.delete(file));
  return set;
}
