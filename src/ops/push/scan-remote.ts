import path from 'node:path';
import type { SftpAttrs } from '../../transport/sftp-types.js';
import { SFTP_NO_SUCH_FILE, sftpCode, type Sftp } from '../sftp/sftp-async.js';
import type { LocalEntry, RemoteEntry } from './types.js';

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
 * Symlink targets are read only where the local side is a symlink too. Requests are issued
 * concurrently on the one SFTP session.
 */
export async function scanRemote(sftp: Sftp, root: string, local: readonly LocalEntry[], all: boolean): Promise<Map<string, RemoteEntry>> {
  const out = new Map<string, RemoteEntry>();
  const localByRel = new Map(local.map((e) => [e.rel, e]));
  let rootEntry = await lstatOrNone(sftp, root);
  // Like rsync -K: a remote symlink to a directory stands for that directory at the root.
  if (rootEntry?.type === 'symlink' && local[0].type === 'dir') {
    const followed = toRemoteEntry(await sftp.stat(root).catch(() => ({ mode: 0, size: 0, mtime: 0, uid: 0, gid: 0 })));
    if (followed.type === 'dir') rootEntry = followed;
  }
  if (!rootEntry) return out;
  out.set('', rootEntry);
  const withTarget = async (rel: string, entry: RemoteEntry, p: string): Promise<void> => {
    if (entry.type === 'symlink' && localByRel.get(rel)?.type === 'symlink') entry.linkTarget = await sftp.readlink(p);
  };
  await withTarget('', rootEntry, root);
  const walk = async (rel: string): Promise<void> => {
    const dir = rel === '' ? root : path.posix.join(root, rel);
    let list;
    try {
      list = await sftp.readdir(dir);
    } catch (err) {
      throw Object.assign(err as Error, { path: dir });
    }
    const subdirs: Array<Promise<void>> = [];
    for (const item of list) {
      if (item.filename === '.' || item.filename === '..') continue;
      const childRel = rel === '' ? item.filename : `${rel}/${item.filename}`;
      const entry = toRemoteEntry(item.attrs);
      out.set(childRel, entry);
      subdirs.push(withTarget(childRel, entry, path.posix.join(dir, item.filename)));
      if (entry.type === 'dir' && (all || localByRel.get(childRel)?.type === 'dir')) subdirs.push(walk(childRel));
    }
    await Promise.all(subdirs);
  };
  if (rootEntry.type === 'dir' && local[0].type === 'dir') await walk('');
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
