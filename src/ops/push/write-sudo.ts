import path from 'node:path';
import pLimit from 'p-limit';
import type { HostSession } from '../../transport/types.js';
import type { PlanItem, SourcePlan } from './plan.js';
import { describeSftpError } from './push-error.js';
import { runRemote } from './run-remote.js';
import type { Sftp } from '../sftp/sftp-async.js';
import { formatMode, runAsRoot, type SudoOp } from './sudo-script.js';
import { forEachFile, LARGE_FILES_IN_FLIGHT, SMALL_FILES_IN_FLIGHT, throwIfInterrupted, uploadFile, type SendCount } from './write-sftp.js';
import { SMALL_FILE_BYTES, type LocalReader } from './local-reader.js';
import { randomHex } from '../../ssh/random-pool.js';
import { pickTarFiles, sendTarFiles, toTarFiles, type TarRun } from './tar-batch.js';
import type { WantedOwner } from './types.js';

/** --chown as the script's chown takes it (`uid`, `uid:gid`, `:gid`), or `-` (root's default). */
export function formatOwner(owner: { uid?: number; gid?: number } | undefined): string {
  if (!owner || (owner.uid === undefined && owner.gid === undefined)) return '-';
  return `${owner.uid ?? ''}${owner.gid !== undefined ? `:${owner.gid}` : ''}`;
}

/** A file uploaded to the staging directory, with the mode and time it must end up with. */
export interface StagedUpload {
  local: string;
  remote: string;
  size: number;
  mode: number;
  mtime: number;
}

// Files one G op installs at most: their names all go on one `mv` command line.
const MAX_BATCH_FILES = 1000;

/**
 * The ops that carry out `plans` as root. Staged uploads carry their mode and mtime already,
 * so root only copies and renames: files of one target directory are staged together as
 * `stage/gK/<name>` and installed by one G op (a few processes per directory, not per file);
 * a file alone in its directory, or whose mode has setuid/setgid/sticky bits (which the login
 * user may not be able to set), is staged as `stage/fN` and installed by an F op. Files in
 * `viaTar` get no op: they go in a tar stream once these ops are done, before `dirTimes`.
 */
export function buildSudoOps(
  plans: readonly SourcePlan[],
  stage: string,
  owner: string,
  viaTar: ReadonlySet<PlanItem> = new Set(),
): { ops: SudoOp[]; dirTimes: SudoOp[]; uploads: StagedUpload[]; stageDirs: string[] } {
  const ops: SudoOp[] = [];
  const uploads: StagedUpload[] = [];
  const stageDirs: string[] = [];
  const dirTimes: SudoOp[] = [];
  const stageAs = (item: PlanItem, remote: string): string => {
    uploads.push({ local: item.local.localPath, remote, size: item.local.size, mode: item.wantMode & 0o777, mtime: item.local.mtime });
    return remote;
  };
  let lone = 0;
  const stageFile = (item: PlanItem): string => stageAs(item, `${stage}/f${lone++}`);
  for (const plan of plans) {
    // The directory the script may resolve symlinks in: below it, none is followed.
    ops.push(['P', '-', trustedDir(plan), '-', '-', '-']);
    dirTimes.push(['P', '-', trustedDir(plan), '-', '-', '-']);
    for (const dir of plan.missingParents) ops.push(['D', '-', dir, '0755', owner, '-']);
    for (const del of plan.deletions) ops.push(['X', '-', del.path, '-', '-', '-']);
    // plain files to install, by target directory (in tree order)
    const byDir = new Map<string, PlanItem[]>();
    for (const item of plan.items) {
      const { decision: d, local } = item;
      if (d.code === null) continue;
      const own = d.setOwner || d.create ? owner : '-';
      // chown clears setuid/setgid: a mode with them is set again after an owner change
      const mode = d.setMode || d.create || (own !== '-' && item.wantMode > 0o777) ? formatMode(item.wantMode) : '-';
      const mtime = String(local.mtime);
      // A directory in the way of a file goes only if empty (with --delete, its contents are gone by
      // now), as without --sudo and as rsync does without --force.
      if (d.replace && item.remote?.type === 'dir' && local.type !== 'dir') ops.push(['R', '-', item.path, '-', '-', '-']);
      if (local.type === 'dir') {
        ops.push(d.create ? ['D', '-', item.path, mode, own, '-'] : ['A', '-', item.path, mode, own, '-']);
      } else if (viaTar.has(item)) {
        // sent in the tar stream, after every op here
      } else if (local.type === 'file' && d.transfer && item.wantMode > 0o777) {
        ops.push(['F', stageFile(item), item.path, formatMode(item.wantMode), owner, '-']);
      } else if (local.type === 'file' && d.transfer) {
        const dir = path.posix.dirname(item.path);
        const items = byDir.get(dir);
        if (items) items.push(item);
        else byDir.set(dir, [item]);
      } else if (local.type === 'symlink' && d.transfer) {
        ops.push(['L', local.linkTarget ?? '', item.path, '-', owner, mtime]);
      } else {
        ops.push(['A', '-', item.path, local.type === 'symlink' ? '-' : mode, own, d.setTime ? mtime : '-']);
      }
    }
    // After every directory exists and every directory in a file's way is gone.
    for (const [dir, items] of byDir) {
      if (items.length === 1) {
        ops.push(['F', stageFile(items[0]), items[0].path, '-', owner, '-']);
        continue;
      }
      for (let i = 0; i < items.length; i += MAX_BATCH_FILES) {
        const group = `${stage}/g${stageDirs.length}`;
        stageDirs.push(group);
        for (const item of items.slice(i, i + MAX_BATCH_FILES)) stageAs(item, `${group}/${path.posix.basename(item.path)}`);
        ops.push(['G', group, dir, '-', owner, '-']);
      }
    }
    // Directory times last: every write inside a directory changes its mtime.
    for (const item of plan.items) if (item.local.type === 'dir') dirTimes.push(['A', '-', item.path, '-', '-', String(item.local.mtime)]);
  }
  return { ops, dirTimes, uploads, stageDirs };
}

/**
 * The directory whose own path the root script resolves (symlinks there are the user's choice):
 * the root when it is an existing directory, else the nearest directory above it that exists.
 */
export function trustedDir(plan: SourcePlan): string {
  if (plan.missingParents.length > 0) return path.posix.dirname(plan.missingParents[0]);
  const root = plan.items.find((i) => i.path === plan.root);
  return root?.remote?.type === 'dir' ? plan.root : path.posix.dirname(plan.root);
}

/**
 * True when no user but root can change any directory from the item's own up to the plan's root
 * (each is root's, writable by no group or other, or still to be made by root): tar follows
 * symlinks in the paths it extracts to, so it may only write where nobody can swap one in.
 * `memo` (one per plan) keeps each directory's answer: the files of a directory share it.
 */
export function onlyRootCanChange(plan: SourcePlan, item: PlanItem, byPath: ReadonlyMap<string, PlanItem>, memo: Map<string, boolean> = new Map()): boolean {
  const check = (dir: string): boolean => {
    const known = memo.get(dir);
    if (known !== undefined) return known;
    const entry = byPath.get(dir);
    const r = entry?.remote;
    let ok = entry !== undefined && !(r && !(r.type === 'dir' && r.uid === 0 && (r.mode & 0o022) === 0));
    if (ok && dir !== plan.root) {
      const parent = path.posix.dirname(dir);
      ok = parent !== dir && check(parent);
    }
    memo.set(dir, ok);
    return ok;
  };
  return check(path.posix.dirname(item.path));
}

/**
 * --sudo: many small files go in a tar stream that root extracts beside their targets
 * (tar-batch.ts); other changed files are uploaded into a private staging directory in /tmp
 * (as the login user), then the quoted root script installs each through a temp beside its
 * target and a rename (atomic), and the staging directory is removed in any case. After
 * Ctrl-C (`signal`) nothing more is started: staged files are not installed, and a tar stream
 * is cut short (the host's tar fails and its script removes what it staged).
 */
export async function applyWithSudo(session: HostSession, sftp: Sftp, plans: readonly SourcePlan[], wanted: WantedOwner | undefined, readLocal?: LocalReader, signal?: AbortSignal, tarRun?: TarRun): Promise<SendCount> {
  const stage = `/tmp/.isuops-stage-${randomHex(6)}`;
  // setuid/setgid/sticky files keep their F op: their bits are set after the owner
  const planOf = new Map<PlanItem, SourcePlan>();
  const byPath = new Map<string, PlanItem>();
  for (const plan of plans) for (const item of plan.items) {
    planOf.set(item, plan);
    byPath.set(item.path, item);
  }
  const memos = new Map<SourcePlan, Map<string, boolean>>();
  const viaTar = await pickTarFiles(
    plans.flatMap((p) => p.items),
    readLocal,
    (item) => {
      const plan = planOf.get(item)!;
      let memo = memos.get(plan);
      if (!memo) memos.set(plan, (memo = new Map()));
      return item.wantMode <= 0o777 && onlyRootCanChange(plan, item, byPath, memo);
    },
  );
  const { ops, dirTimes, uploads, stageDirs } = buildSudoOps(plans, stage, formatOwner(wanted), new Set(viaTar.keys()));
  if (ops.every((op) => op[0] === 'P') && viaTar.size === 0) return { files: 0, bytes: 0 };
  const sent: SendCount = { files: 0, bytes: 0 };
  try {
    if (uploads.length > 0) {
      const mkdir = (dir: string): Promise<void> =>
        sftp.mkdir(dir, { mode: 0o700 }).catch((err) => {
          throw describeSftpError(err, dir);
        });
      await mkdir(stage);
      await Promise.all(stageDirs.map(mkdir));
      // The staging directory is 0700: the files' own modes do not open them to anyone.
      const small = pLimit(SMALL_FILES_IN_FLIGHT);
      const large = pLimit(LARGE_FILES_IN_FLIGHT);
      await forEachFile(
        uploads,
        (u) => (u.size > SMALL_FILE_BYTES ? large : small),
        async (u) => {
          await uploadFile(sftp, u.local, u.size, u.remote, u.mode, u.mtime, readLocal).catch((err) => {
            throw describeSftpError(err, u.remote);
          });
          sent.files += 1;
          sent.bytes += u.size;
        },
        signal,
      );
    }
    throwIfInterrupted(signal);
    if (viaTar.size > 0) {
      // one root command for the ops, the stream and the directory times when they fit one
      const s = await sendTarFiles(session, toTarFiles(viaTar), wanted, signal, { before: ops, after: dirTimes, run: tarRun });
      sent.files += s.files;
      sent.bytes += s.bytes;
    } else {
      await runAsRoot(session, ops);
      throwIfInterrupted(signal);
      await runAsRoot(session, dirTimes);
    }
  } finally {
    if (uploads.length > 0) await runRemote(session, ['rm', '-rf', '--', stage]).catch(() => undefined);
  }
  return sent;
}
