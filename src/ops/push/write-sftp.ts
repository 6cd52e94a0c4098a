import pLimit, { type LimitFunction } from 'p-limit';
import { describeSftpError, inTheWay, PushError } from './push-error.js';
import type { SourcePlan } from './plan.js';
import type { Sftp } from '../sftp/sftp-async.js';
import { makeTempPath } from './temp-name.js';
import { SMALL_FILE_BYTES, type LocalReader } from './local-reader.js';

/** Bytes and files sent by a write step. */
export interface SendCount {
  files: number;
  bytes: number;
}

// Files in flight per host on its one SFTP session: many small ones hide the round trips
// (64 measured faster than 16 for 1,000 files); large ones each keep 2 MB of writes in flight.
export const SMALL_FILES_IN_FLIGHT = 64;
export const LARGE_FILES_IN_FLIGHT = 4;

/** The error a file gets once Ctrl-C came: it is left as it was, not started. */
const INTERRUPTED = 'interrupted';

/**
 * Runs `fn` for every item, each through the limiter `limitOf` gives it; none is started once
 * one has failed or the run is interrupted (`signal`). Waits for those started (an upload in
 * flight ends, and removes its temp, before the host's result is given), then throws the first
 * failure, or INTERRUPTED when an item was left unstarted.
 */
export async function forEachFile<T>(items: readonly T[], limitOf: (item: T) => LimitFunction, fn: (item: T) => Promise<void>, signal?: AbortSignal): Promise<void> {
  let failure: { err: unknown } | undefined;
  let skipped = false;
  await Promise.all(
    items.map((item) =>
      limitOf(item)(async () => {
        if (failure || signal?.aborted) {
          skipped = true;
          return;
        }
        try {
          await fn(item);
        } catch (err) {
          failure ??= { err };
        }
      }),
    ),
  );
  if (failure) throw failure.err;
  // A Ctrl-C that came once every item had started left nothing undone: the host is complete.
  if (skipped) throwIfInterrupted(signal);
}

/** Throws INTERRUPTED once the run is interrupted. */
export function throwIfInterrupted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new PushError(INTERRUPTED);
}

async function attempt<T>(p: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw describeSftpError(err, p);
  }
}

/** Uploads to a temp name beside the target, sets mode and mtime, then posix-renames over it. */
/** Writes a new remote file with the local file's bytes, `mode` and `mtime`: small files from the run's shared copy, large ones streamed from disk. */
export async function uploadFile(sftp: Sftp, localPath: string, size: number, remote: string, mode: number, mtime: number, readLocal?: LocalReader): Promise<void> {
  const data = readLocal?.(localPath, size);
  if (data) {
    await sftp.putBuffer(remote, await data, { mode, atime: mtime, mtime });
  } else {
    await sftp.fastPut(localPath, remote, mode);
    await sftp.setstat(remote, { mode, atime: mtime, mtime });
  }
}

async function putFile(sftp: Sftp, local: { localPath: string; size: number }, target: string, mode: number, mtime: number, readLocal?: LocalReader): Promise<void> {
  const temp = makeTempPath(target);
  try {
    await uploadFile(sftp, local.localPath, local.size, temp, mode, mtime, readLocal);
    await sftp.rename(temp, target);
  } catch (err) {
    // A failed write never leaves its temporary behind.
    await sftp.unlink(temp).catch(() => undefined);
    throw describeSftpError(err, (err as { path?: string }).path ?? target);
  }
}

async function putSymlink(sftp: Sftp, linkTarget: string, target: string, mtime: number): Promise<void> {
  const temp = makeTempPath(target);
  try {
    await sftp.symlink(linkTarget, temp);
    await sftp.lsetstat(temp, { atime: mtime, mtime }).catch(() => undefined);
    await sftp.rename(temp, target);
  } catch (err) {
    await sftp.unlink(temp).catch(() => undefined);
    throw describeSftpError(err, target);
  }
}

async function removeEntry(sftp: Sftp, p: string, type: string): Promise<void> {
  await attempt(p, () => (type === 'dir' ? sftp.rmdir(p) : sftp.unlink(p)));
}

/**
 * Carries out one source's plan over SFTP as the login user: parents, deletions (deepest
 * first), directories, then files and links (several in flight), attribute-only changes,
 * and last the directories' times (writing inside a directory changes its mtime). After Ctrl-C
 * (`signal`) no new file is started; those in flight end (old or whole new), then it throws.
 * What was sent is added to `sent` as it happens.
 */
export async function applyWithSftp(sftp: Sftp, plan: SourcePlan, readLocal?: LocalReader, signal?: AbortSignal, sent: SendCount = { files: 0, bytes: 0 }): Promise<SendCount> {
  for (const dir of plan.missingParents) await attempt(dir, () => sftp.mkdir(dir, { mode: 0o755 }));
  for (const del of plan.deletions) await removeEntry(sftp, del.path, del.type);
  for (const item of plan.items) {
    const { decision, local } = item;
    if (!decision.create) continue;
    if (decision.replace && item.remote) {
      if (item.remote.type === 'dir') {
        await attempt(item.path, () => sftp.rmdir(item.path)).catch((err: PushError) => {
          // Not empty is SFTP's plain "Failure": the words of the --sudo path then, and of a dry run.
          throw new PushError(err.message.startsWith('permission denied') ? `${err.message}: ${inTheWay(item.path)}` : inTheWay(item.path));
        });
      } else if (local.type === 'dir') {
        await removeEntry(sftp, item.path, item.remote.type);
      }
    }
    if (local.type === 'dir') await attempt(item.path, () => sftp.mkdir(item.path, { mode: item.wantMode }));
  }
  const small = pLimit(SMALL_FILES_IN_FLIGHT);
  const large = pLimit(LARGE_FILES_IN_FLIGHT);
  await forEachFile(
    plan.items,
    (item) => (item.local.type === 'file' && item.local.size > SMALL_FILE_BYTES ? large : small),
    async (item) => {
      const { decision, local } = item;
      if (local.type === 'file' && decision.transfer) {
        await putFile(sftp, local, item.path, item.wantMode, local.mtime, readLocal);
        sent.files += 1;
        sent.bytes += local.size;
      } else if (local.type === 'symlink' && decision.transfer) {
        await putSymlink(sftp, local.linkTarget ?? '', item.path, local.mtime);
      } else if (local.type === 'file' && (decision.setMode || decision.setTime)) {
        await attempt(item.path, () => sftp.setstat(item.path, { mode: item.wantMode, atime: local.mtime, mtime: local.mtime }));
      } else if (local.type === 'symlink' && decision.setTime) {
        await attempt(item.path, () => sftp.lsetstat(item.path, { atime: local.mtime, mtime: local.mtime }));
      }
    },
    signal,
  );
  // Directory modes and times go last, once nothing more is written inside them.
  const touched = new Set(plan.items.filter((i) => i.decision.code !== null).map((i) => parentOf(i.path)));
  for (const d of plan.deletions) touched.add(parentOf(d.path));
  await Promise.all(
    plan.items
      .filter((i) => i.local.type === 'dir' && (i.decision.code !== null || touched.has(i.path)))
      .map((i) => attempt(i.path, () => sftp.setstat(i.path, { mode: i.wantMode, atime: i.local.mtime, mtime: i.local.mtime }))),
  );
  return sent;
}

function parentOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}
