import { readFile, stat } from 'node:fs/promises';
import { quoteWord } from '../remote/quote.js';
import { appendKnownHostsText, formatKnownHostsEntry, queueFileTask } from './known-hosts/append.js';
import { fingerprintSha256 } from './known-hosts/key-blob.js';
import { lookupHostKey } from './known-hosts/lookup.js';
import { parseKnownHosts } from './known-hosts/parse.js';
import type { HostKey, KnownHostLine, LookupResult } from './known-hosts/types.js';
import type { StrictMode } from './types.js';
import { debug } from '../core/debug.js';

export { fingerprintSha256, parseKeyBlob } from './known-hosts/key-blob.js';


/** What verifyHostKey needs: where to look, what to look for, and what to do about a new host. */
export interface VerifyHostKeyOptions {
  /** User known_hosts files first, then global ones; missing or unreadable files count as empty. */
  files: string[];
  /** Lookup names: `host` or `[host]:port` for HostKeyAlias/host, then HostName if different. */
  names: string[];
  /** The key the server sent (see parseKeyBlob). */
  key: HostKey;
  strict: StrictMode;
  /** Where a new host is written (the first user file); nothing is written when absent. */
  appendTo?: string;
  /** The host field to write: `host`, `[host]:port`, or `host,ip`. */
  hostToken: string;
  /** Write `|1|salt|hash` entries, one per name in hostToken (HashKnownHosts). */
  hash?: boolean;
}

/**
 * The decision. A refused key says why; `added` tells whether a new host was written;
 * `warning` says why it could not be written (the connection still proceeds, as with ssh).
 */
export type VerifyHostKeyResult =
  | { ok: true; added?: boolean; warning?: string }
  | { ok: false; reason: 'changed' | 'revoked' | 'unknown'; message: string };

/**
 * Check a server's host key against known_hosts under StrictHostKeyChecking:
 * revoked and changed keys are always refused (even with `no`, unlike ssh: the SPEC says so);
 * an unknown host is refused with `yes`, accepted and appended with `accept-new` and `no`.
 */
export async function verifyHostKey(opts: VerifyHostKeyOptions): Promise<VerifyHostKeyResult> {
  const first = decide(opts, lookupHostKey(await readKnownHostsFiles(opts.files), opts.names, opts.key));
  if (first !== 'append') return first;
  if (!opts.appendTo) return { ok: true, added: false };
  const appendTo = opts.appendTo;
  // Re-read inside the per-file queue: a parallel connection may have just added this host.
  return queueFileTask(appendTo, async () => {
    const again = decide(opts, lookupHostKey(await readKnownHostsFiles(opts.files), opts.names, opts.key));
    if (again !== 'append') return again.ok ? { ok: true, added: false } : again;
    try {
      await appendKnownHostsText(appendTo, formatKnownHostsEntry(opts.hostToken, opts.key, opts.hash));
      debug('added %s %s to %s', opts.hostToken, fingerprintSha256(opts.key.data), appendTo);
      return { ok: true, added: true };
    } catch (err) {
      return { ok: true, added: false, warning: `Failed to add the host to the list of known hosts (${appendTo}): ${describeWriteError(err)}` };
    }
  });
}

/** Why known_hosts could not be written, in a few words (no raw errno text). */
function describeWriteError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const words: Record<string, string> = {
    EACCES: 'permission denied', EPERM: 'permission denied', EROFS: 'read-only file system', ENOSPC: 'no space left on device',
    EISDIR: 'it is a directory', ENOTDIR: 'a part of the path is not a directory', ENOENT: 'no such file or directory',
  };
  return (e.code && words[e.code]) ?? (e instanceof Error ? e.message : String(err));
}

/** The verdict for one lookup; `append` means a new host that may be written. */
function decide(opts: VerifyHostKeyOptions, found: LookupResult): VerifyHostKeyResult | 'append' {
  const host = opts.names[0] ?? opts.hostToken;
  const sent = `${opts.key.type} ${fingerprintSha256(opts.key.data)}`;
  switch (found.status) {
    case 'match':
      return { ok: true };
    case 'revoked':
      return { ok: false, reason: 'revoked', message: formatRevoked(host, found.line!, sent) };
    case 'mismatch':
      return { ok: false, reason: 'changed', message: formatChanged(found.name ?? host, found.line!, sent) };
    case 'unknown':
      if (opts.strict !== 'yes') return 'append';
      return { ok: false, reason: 'unknown', message: formatUnknown(host, opts.files, sent) };
  }
}

// Parsed files, reused while size and mtime stay the same: 200 hosts in one run read the same
// files, and connect at the same moment, so the parse in flight is shared too.
const parsedFiles = new Map<string, { size: number; mtimeMs: number; lines: Promise<KnownHostLine[]> }>();

async function readKnownHostsFile(file: string): Promise<KnownHostLine[]> {
  try {
    const info = await stat(file);
    const cached = parsedFiles.get(file);
    if (cached && cached.size === info.size && cached.mtimeMs === info.mtimeMs) return await cached.lines;
    const lines = readFile(file, 'utf8').then((text) => parseKnownHosts(text, file));
    parsedFiles.set(file, { size: info.size, mtimeMs: info.mtimeMs, lines });
    return await lines;
  } catch (err) {
    parsedFiles.delete(file);
    debug('known_hosts %s: %s', file, err instanceof Error ? err.message : String(err));
    return [];
  }
}

/** Read and parse every file in order; a missing or unreadable file is skipped like ssh does. */
export async function readKnownHostsFiles(files: string[]): Promise<KnownHostLine[]> {
  const parsed = await Promise.all(files.map(readKnownHostsFile));
  return parsed.flat();
}

function describeLine(line: KnownHostLine): string {
  return `${line.file}:${line.line} has ${line.key.type} ${fingerprintSha256(line.key.data)}`;
}

/** One line for a changed key: the offending file:line, both fingerprints, and how to remove the old key. */
export function formatChanged(name: string, line: KnownHostLine, sent: string): string {
  return `host key for ${name} has changed (${describeLine(line)}; server sent ${sent}): `
    + `possible man-in-the-middle; if the change is expected, remove the old key with `
    + `ssh-keygen -R ${quoteWord(name)} -f ${quoteWord(line.file)}`;
}

/** One line for a key listed under `@revoked`. */
export function formatRevoked(name: string, line: KnownHostLine, sent: string): string {
  return `host key for ${name} is revoked (@revoked at ${line.file}:${line.line}; server sent ${sent}): refusing to connect`;
}

/** One line for an unknown host under StrictHostKeyChecking=yes. */
export function formatUnknown(name: string, files: string[], sent: string): string {
  const where = files.length > 0 ? files.join(', ') : 'no known_hosts file';
  return `no host key is known for ${name} in ${where} and StrictHostKeyChecking is yes (server sent ${sent}): `
    + `add it to known_hosts or use -o StrictHostKeyChecking=accept-new`;
}

/** ssh2 host key algorithm names that produce keys of a known_hosts key type. */
function algorithmsForKeyType(type: string): string[] {
  return type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type];
}

/**
 * Reorder host key algorithms so those whose keys known_hosts already holds come first, keeping
 * the rest in their order: like ssh, so a host known by its ECDSA key is not refused as
 * "changed" because the server offered ED25519 first.
 */
export function preferKnownHostKeyAlgorithms(algorithms: string[], knownTypes: string[]): string[] {
  const wanted = new Set(knownTypes.flatMap(algorithmsForKeyType));
  return [...algorithms.filter((a) => wanted.has(a)), ...algorithms.filter((a) => !wanted.has(a))];
}
