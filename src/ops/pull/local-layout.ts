import path from 'node:path';

/**
 * A host's name as one safe path component: the name as written, with `/`, NUL and other
 * control characters turned into `_`; `.`/`..`/empty get a leading `_`.
 */
export function hostDirName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const safe = name.replace(/[/\u0000-\u001f\u007f]/g, '_');
  return safe === '' || safe === '.' || safe === '..' ? `_${safe}` : safe;
}

/** Where a remote path lands: DIR/<host>/<absolute path as on the host>. */
export function localPathFor(hostDir: string, remotePath: string): string {
  // normalize() keeps an absolute path inside `/`, so `..` never climbs out of the host's folder.
  return path.join(hostDir, path.posix.normalize(`/${remotePath}`));
}

/** Host names whose folders would collide (two names made safe the same way), as `a and b`. */
export function findFolderClash(names: readonly string[]): string | undefined {
  const seen = new Map<string, string>();
  for (const name of names) {
    const dir = hostDirName(name);
    const other = seen.get(dir);
    if (other !== undefined) return `${other} and ${name}`;
    seen.set(dir, name);
  }
  return undefined;
}
