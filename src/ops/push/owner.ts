import { UsageError } from '../../errors.js';
import { remoteScript } from '../../remote/scripts.js';
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

/** Resolves --chown names to this host's numeric ids (src/remote/push-owner.sh), and says whether they are the login user's. */
export async function resolveOwner(session: HostSession, spec: { user?: string; group?: string }): Promise<{ owner: WantedOwner; isLoginUser: boolean }> {
  const run = await runRemote(session, ['/bin/sh', '-c', remoteScript('push-owner'), 'isuops', spec.user ?? '', spec.group ?? '']);
  if (run.code !== 0) throw new PushError(`--chown: ${firstLine(run.stderr) || `cannot resolve ${spec.user ?? ''}:${spec.group ?? ''}`}`);
  const [u, g, myUid, myGid] = run.stdout.toString('utf8').trim().split('\n');
  const owner: WantedOwner = { uid: u === '-' ? undefined : Number(u), gid: g === '-' ? undefined : Number(g) };
  const isLoginUser = (owner.uid === undefined || owner.uid === Number(myUid)) && (owner.gid === undefined || owner.gid === Number(myGid));
  return { owner, isLoginUser };
}
