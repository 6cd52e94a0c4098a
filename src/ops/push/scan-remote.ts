import path from 'node:path';
import type { SftpAttrs } from '../../transport/sftp-types.js';
import { SFTP_NO_SUCH_FILE, sftpCode, type Sftp } from '../sftp/sftp-async.js';
import type { ScannedTree } from '../../transport/sftp-scan.js';
import { sharedRemote, type PlanShare } from './plan-share.js';
import type { PushSource, RemoteEntry } from './types.js';

const S_IFMT = 0o170000;

/** A remote entry from SFTP attributes (lstat-like: readdir reports links as links). */
export function toRemoteEntry(attrs: Pick<SftpAttrs, 'mode' | 'size' | 'mtime' | 'uid' | 'gid'>): RemoteEntry {
  const fmt = attrs.mode & S_IFMT;
  const type = fmt === 0o100000 ? 'file' : fmt === 0o040000 ? 'dir' : fmt === 0o120000 ? 'symlink' : 'other';
  return { type, mode: attrs.mode & 0o7777, size: attrs.size, mtime: attrs.mtime, uid: attrs.uid, gid: attrs.gid };
}

/** Returns undefined for a path that does not exist; other errors are thrown. */
async function lstatOrNone(sftp: Sftp, p: string): Promise<RemoteEntry | undefined> {
  try {
    return toRemoteEntry(await sftp.lstat(p));
  } catch (err) {
    if (sftpCode(err) === SFTP_NO_SUCH_FILE) return undefined;
    throw Object.assign(err as Error, { path: p });
  }
}

/**
 * The remote side of one source: rel path -> entry, for the root and (when both sides are
 * directories) everything below it that push needs: directories that exist locally, and with
 * `all` (--delete) every remote directory, so that what the local tree lacks can be removed.
 * Symlink targets are read only where the local side is a symlink too. One scanTree request
 * (transport/sftp-scan.ts): walked in the daemon when the connection is kept.
 */
export async function scanRemote(sftp: Sftp, root: string, source: PushSource, all: boolean, share?: PlanShare): Promise<Map<string, RemoteEntry>> {
  const local = source.entries;
  const descend: string[] = [];
  const linkTargets: string[] = [];
  // entries per local directory: the READDIRs the remote one needs if it is the same
  const entries: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const e of local) {
    if (e.type === 'dir' && e.rel !== '') descend.push(e.rel);
    else if (e.type === 'symlink') linkTargets.push(e.rel);
    if (e.rel !== '') {
      const parent = e.rel.slice(0, Math.max(0, e.rel.lastIndexOf('/')));
      entries[parent] = (entries[parent] ?? 0) + 1;
    }
  }
  const tree = await sftp.scanTree({ root, rootIsDir: local[0].type === 'dir', all, descend, linkTargets, entries });
  return sharedRemote(share, source, root, tree, () => toEntries(tree));
}

/** rel -> entry of a scanned tree. */
function toEntries(tree: ScannedTree): Map<string, RemoteEntry> {
  const out = new Map<string, RemoteEntry>();
  const { rels, nums } = tree;
  const entries: RemoteEntry[] = new Array(rels.length);
  for (let i = 0, n = 0; i < rels.length; i++, n += 5) {
    const entry = toRemoteEntry({ mode: nums[n], size: nums[n + 1], mtime: nums[n + 2], uid: nums[n + 3], gid: nums[n + 4] });
    entries[i] = entry;
    out.set(rels[i], entry);
  }
  for (const [i, target] of tree.targets) entries[i].linkTarget = target;
  return out;
}

/** The parent directories of `p` that do not exist on the host, outermost first (mkdir -p). */
export async function findMissingParents(sftp: Sftp, p: string): Promise<string[]> {
  const missing: string[] = [];
  let dir = path.posix.dirname(p);
  while (dir !== '/' && dir !== '.') {
    const entry = await lstatOrNone(sftp, dir);
    if (entry) break;
    missing.unshift(dir);
    dir = path.posix.dirname(dir);
  }
  return missing;
}
