import { readBlobType } from './key-blob.js';
import type { KnownHostLine, KnownHostMarker } from './types.js';
import { debug } from '../../core/debug.js';


const MARKERS: Record<string, KnownHostMarker> = {
  '@revoked': 'revoked',
  '@cert-authority': 'cert-authority',
};

/**
 * Parse known_hosts text like OpenSSH's hostkeys_foreach: comments and blank lines skipped,
 * bad lines (unknown marker, missing key, bad base64, blob type not the written type, malformed
 * `|1|` entry) dropped with a debug note; every kept line carries its 1-based number.
 */
export function parseKnownHosts(text: string, file: string): KnownHostLine[] {
  const out: KnownHostLine[] = [];
  const rows = text.split('\n');
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!.replace(/\r$/, '');
    const trimmed = row.replace(/^[ \t]+/, '');
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const parsed = parseLine(trimmed, file, i + 1);
    if (typeof parsed === 'string') debug('%s:%d: ignoring known_hosts line: %s', file, i + 1, parsed);
    else out.push(parsed);
  }
  return out;
}

/** One non-comment line, or why it is bad. */
function parseLine(text: string, file: string, line: number): KnownHostLine | string {
  const fields = text.split(/[ \t]+/);
  let marker: KnownHostMarker | undefined;
  if (fields[0]!.startsWith('@')) {
    marker = MARKERS[fields[0]!];
    if (!marker) return `unknown marker ${fields[0]}`;
    fields.shift();
  }
  const [hosts, type, b64] = fields;
  if (!hosts || !type || !b64) return 'expected: [marker] hosts keytype base64 [comment]';
  const data = decodeBase64(b64);
  if (!data) return 'key is not valid base64';
  const blobType = readBlobType(data);
  if (blobType !== type) return `key type ${type} does not match the key data (${blobType ?? 'unreadable'})`;
  let hashed: KnownHostLine['hashed'];
  let patterns: string[] = [];
  if (hosts.startsWith('|')) {
    hashed = parseHashed(hosts);
    if (!hashed) return 'malformed hashed host entry (want |1|salt|hash)';
  } else {
    patterns = hosts.toLowerCase().split(',');
  }
  const comment = fields.slice(3).join(' ');
  return {
    file, line, hosts, patterns, key: { type, data }, comment,
    ...(marker ? { marker } : {}),
    ...(hashed ? { hashed } : {}),
  };
}

/** `|1|salt|hash` with a 20-byte salt and digest (HMAC-SHA1), as OpenSSH's extract_salt demands. */
function parseHashed(hosts: string): KnownHostLine['hashed'] | undefined {
  const m = /^\|1\|([^|]+)\|([^|]+)$/.exec(hosts);
  if (!m) return undefined;
  const salt = decodeBase64(m[1]!);
  const hash = decodeBase64(m[2]!);
  if (!salt || !hash || salt.length !== 20 || hash.length !== 20) return undefined;
  return { salt, hash };
}

/** Strict base64: Node's decoder silently skips junk, so re-encode and compare. */
function decodeBase64(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return undefined;
  const buf = Buffer.from(text, 'base64');
  const canon = buf.toString('base64');
  return canon.replace(/=+$/, '') === text.replace(/=+$/, '') ? buf : undefined;
}
