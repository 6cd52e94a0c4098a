import path from 'node:path';
import type { PushSource } from './types.js';

/**
 * Where a source's root lands on a host (rsync-like):
 * - no --dest: the same absolute path as locally;
 * - --dest REMOTE with REMOTE ending in `/`, an existing remote directory, or several sources:
 *   REMOTE/<basename> (REMOTE itself for `dir/`, whose contents go in);
 * - otherwise REMOTE is the new name of the (single) source.
 * `home` makes a relative REMOTE absolute (like `host:dir` in rsync/scp).
 */
export function remoteRootFor(source: PushSource, dest: string | undefined, destIsDir: boolean, home: string): string {
  if (dest === undefined) return source.localRoot;
  const base = path.posix.resolve(home, dest);
  if (!dest.endsWith('/') && !destIsDir) return base;
  if (source.contentsOnly) return base;
  return path.posix.join(base, path.basename(source.localRoot));
}

/**
 * Whether remoteRootFor's answer for `source` depends on REMOTE being a directory on the host: not
 * for `dir/` (its contents go into REMOTE) nor for a REMOTE ending in `/`, so push asks the host
 * only when it does.
 */
export function rootNeedsDestType(source: PushSource, dest: string | undefined): boolean {
  return dest !== undefined && !dest.endsWith('/') && !source.contentsOnly;
}

/**
 * The remote path of an entry below a source root. `root` is normalized (remoteRootFor) and
 * `rel` is names joined by `/` (the local scan): joined as strings, without path.join's
 * normalizing (a tenth of an unchanged re-push's CPU went there).
 */
export function remotePathOf(root: string, rel: string): string {
  if (rel === '') return root;
  return root.endsWith('/') ? root + rel : `${root}/${rel}`;
}
