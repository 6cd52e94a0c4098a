import { UsageError } from '../../errors.js';
import type { HostSession } from '../../transport/types.js';
import { PushError } from './push-error.js';
import { firstLine, runRemote } from './run-remote.js';
import type { WantedOwner } from './types.js';

/** --chown USER[:GROUP] / :GROUP split into names or numbers. */
export function parseChown(spec: string): { user?: string; group?: string } {
  const [user, group] = spec.includes(':') ? [spec.slice(0, spec.indexOf(':')), spec.slice(spec.indexOf(':') + 1)] : [spec, ''];
  if (user === '' && group === '') throw new UsageError(`bad --chown "${spec}": expected USER, USER:GROUP or :GROUP`);
  return { user: user || undefined, group: group || undefined };
}

// Prints uid, gid (`-` when not asked) and the login user's uid and gid, one per line.
const RESOLVE = [
  'u=$1; g=$2',
  'if [ -z "$u" ]; then echo -; else case $u in *[!0-9]*) id -u -- "$u" || exit 3;; *) echo "$u";; esac; fi',
  'if [ -z "$g" ]; then echo -; else case $g in *[!0-9]*) getent group -- "$g" | cut -d: -f3 | grep . || { echo "no such group: $g" >&2; exit 4; };; *) echo "$g";; esac; fi',
  'id -u; id -g',
].join('\n');

/** Resolves --chown names to this host's numeric ids, and says whether they are the login user's. */
export async function resolveOwner(session: HostSession, spec: { user?: string; group?: string }): Promise<{ owner: WantedOwner; isLoginUser: boolean }> {
  const run = await runRemote(session, ['/bin/sh', '-c', RESOLVE, 'isuops', spec.user ?? '', spec.group ?? '']);
  if (run.code !== 0) throw new PushError(`--chown: ${firstLine(run.stderr) || `cannot resolve ${spec.user ?? ''}:${spec.group ?? ''}`}`);
  const [u, g, myUid, myGid] = run.stdout.toString('utf8').trim().split('\n');
  const owner: WantedOwner = { uid: u === '-' ? undefined : Number(u), gid: g === '-' ? undefined : Number(g) };
  const isLoginUser = (owner.uid === undefined || owner.uid === Number(myUid)) && (owner.gid === undefined || owner.gid === Number(myGid));
  return { owner, isLoginUser };
}
