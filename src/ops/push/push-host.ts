import path from 'node:path';
import { escapeControls } from '../../core/escape-controls.js';
import { ConnectError } from '../../errors.js';
import type { HostSession } from '../../transport/types.js';
import type { Emit } from '../events.js';
import { execOnHost } from '../exec.js';
import { makeResult, type HostStatus } from '../result.js';
import { hashRemoteFiles } from './checksum.js';
import { collectDiffs } from './collect-diffs.js';
import { predictFailure } from './dry-run/predict.js';
import { clearThenPending, isThenPending, markThenPending, thenMarkerPath } from './then-marker.js';
import type { LocalReader } from './local-reader.js';
import { DELETING, formatItemPath } from './itemize.js';
import { resolveOwner } from './owner.js';
import type { ChmodFn } from './parse-chmod.js';
import { planSource, type SourcePlan } from './plan.js';
import { describeSftpError, PushError } from './push-error.js';
import { remoteRootFor, rootNeedsDestType } from './remote-target.js';
import { firstLine, runRemote } from './run-remote.js';
import { findMissingParents, scanRemote } from './scan-remote.js';
import type { Sftp } from '../sftp/sftp-async.js';
import type { PushChange, PushResult, PushSource, WantedOwner } from './types.js';
import { applyWithSftp, type SendCount } from './write-sftp.js';
import { applyWithSudo } from './write-sudo.js';
import type { TarRun } from './tar-batch.js';
import type { PlanShare } from './plan-share.js';
import { debug } from '../../core/debug.js';


export interface PushHostOptions {
  sources: readonly PushSource[];
  dest?: string;
  checksum: boolean;
  dryRun: boolean;
  diff: boolean;
  sudo: boolean;
  chmod?: ChmodFn;
  chown?: { user?: string; group?: string };
  delete: boolean;
  then?: string;
  signal: AbortSignal;
  emit: Emit;
  /** sha256 of a local file; shared by all hosts so each file is hashed once. */
  hashLocal: (localPath: string) => Promise<string>;
  /** Small local files, read once for all hosts. */
  readLocal?: LocalReader;
  /** --sudo's tar streams: one staging name and each archive packed once for all hosts. */
  tarRun?: TarRun;
  /** Hosts whose remote trees read the same share their entries and plan. */
  share?: PlanShare;
}

/** The itemized lines of a plan, in the order they are carried out. */
export function listChanges(plan: SourcePlan): PushChange[] {
  const changes: PushChange[] = plan.missingParents.map((dir) => ({ code: 'cd+++++++++', path: `${dir}/` }));
  for (const del of plan.deletions) changes.push({ code: DELETING.trimEnd(), path: del.type === 'dir' ? `${del.path}/` : del.path });
  for (const item of plan.items) {
    if (item.decision.code === null) continue;
    const target = item.local.type === 'symlink' ? item.local.linkTarget : undefined;
    changes.push({ code: item.decision.code, path: formatItemPath(item.path, item.local.type), target });
  }
  return changes;
}

/** `>f+++++++++ /path` (rsync -i), `*deleting   /path`, `cL+++++++++ /link -> target`. */
export function formatChange(change: PushChange): string {
  const code = change.code.startsWith('*') ? DELETING : change.code;
  // Names come from the hosts and the local tree: control characters escaped as rsync does.
  const name = escapeControls(change.path);
  return `${code} ${change.target !== undefined ? `${name} -> ${escapeControls(change.target)}` : name}`;
}

async function sameContentMap(session: HostSession, plans: Array<{ root: string; source: PushSource; remote: Map<string, import('./types.js').RemoteEntry> }>, opts: PushHostOptions): Promise<Map<string, boolean>> {
  const candidates: Array<{ local: string; remote: string }> = [];
  for (const { root, source, remote } of plans) {
    for (const e of source.entries) {
      const r = remote.get(e.rel);
      if (e.type === 'file' && r?.type === 'file' && r.size === e.size) candidates.push({ local: e.localPath, remote: e.rel === '' ? root : path.posix.join(root, e.rel) });
    }
  }
  const remoteHashes = await hashRemoteFiles(session, candidates.map((c) => c.remote), opts.sudo);
  const out = new Map<string, boolean>();
  await Promise.all(candidates.map(async (c) => out.set(c.local, remoteHashes.get(c.remote) === (await opts.hashLocal(c.local)))));
  return out;
}

async function planHost(session: HostSession, sftp: Sftp, opts: PushHostOptions, owner: WantedOwner | undefined): Promise<SourcePlan[]> {
  let home = '/';
  if (opts.dest !== undefined && !opts.dest.startsWith('/')) home = await sftp.realpath('.');
  let destIsDir = opts.sources.length > 1;
  // `push dir/ --dest REMOTE` goes without asking whether REMOTE is a directory (one round trip)
  const asks = opts.sources.some((s) => rootNeedsDestType(s, opts.dest));
  if (opts.dest !== undefined && !destIsDir && asks) {
    destIsDir = await sftp.stat(path.posix.resolve(home, opts.dest)).then((s) => (s.mode & 0o170000) === 0o040000, () => false);
  }
  const scanned = await Promise.all(
    opts.sources.map(async (source) => {
      const root = remoteRootFor(source, opts.dest, destIsDir, home);
      const remote = await scanRemote(sftp, root, source, opts.delete, opts.share).catch((err) => {
        throw describeSftpError(err, root);
      });
      const missingParents = remote.has('') ? [] : await findMissingParents(sftp, root).catch((err) => {
        throw describeSftpError(err, root);
      });
      return { root, source, remote, missingParents };
    }),
  );
  // Two sources under the same missing directory create it once.
  const claimed = new Set<string>();
  for (const s of scanned) {
    s.missingParents = s.missingParents.filter((d) => !claimed.has(d));
    for (const d of s.missingParents) claimed.add(d);
  }
  const sameContent = opts.checksum ? await sameContentMap(session, scanned, opts) : new Map<string, boolean>();
  return scanned.map((s) => {
    const make = (): SourcePlan => planSource(s.root, s.source.entries, s.remote, s.missingParents, { chmod: opts.chmod, checksum: opts.checksum, sameContent, owner, delete: opts.delete });
    // The same remote entries (another host's, see plan-share.ts) give the same plan, unless
    // this host's checksums, owner ids or missing parents differ: those are not shared.
    if (!opts.share || opts.checksum || owner !== undefined || s.missingParents.length > 0) return make();
    let plan = opts.share.plans.get(s.remote);
    if (!plan) opts.share.plans.set(s.remote, (plan = make()));
    return plan;
  });
}

// SFTP carries times as unsigned 32-bit seconds: a time before 1970 would land near 2106.
const TOUCH_EACH = 'while [ $# -gt 1 ]; do touch -h -d "@$1" -- "$2" || exit 1; shift 2; done';

/** Sets the times before 1970 that SFTP could not carry, with touch -h on the host (rsync sets them too). */
async function setTimesBefore1970(session: HostSession, plans: readonly SourcePlan[], sudo: boolean): Promise<void> {
  const args = plans.flatMap((plan) => plan.items.filter((i) => i.local.mtime < 0 && i.decision.code !== null).flatMap((i) => [String(i.local.mtime), i.path]));
  if (args.length === 0) return;
  const run = await runRemote(session, ['/bin/sh', '-c', TOUCH_EACH, 'isuops-touch', ...args], { sudo });
  if (run.code !== 0) throw new PushError(`could not set a time before 1970: ${firstLine(run.stderr) || `touch exited with ${run.code ?? 'a signal'}`}`);
}

/**
 * Pushes every source to one host: scan over SFTP, compare, print rsync-style lines, write
 * (unless --dry-run), then --then when something changed. Always resolves to the host's result.
 */
export async function pushToHost(session: HostSession, opts: PushHostOptions): Promise<PushResult> {
  const host = session.host.name;
  const started = Date.now();
  let changes: PushChange[] = [];
  let sent: SendCount = { files: 0, bytes: 0 };
  let diffs: PushResult['diffs'];
  let thenFailed = false;
  const finish = (status: HostStatus, fields: { error?: string; exitCode?: number | null; signal?: string | null } = {}): PushResult => ({
    ...makeResult(host, status, { ...fields, durationMs: Date.now() - started }),
    ...(thenFailed ? { thenFailed } : {}),
    changed: changes.length > 0,
    changes,
    filesSent: sent.files,
    bytesSent: sent.bytes,
    ...(diffs ? { diffs } : {}),
  });
  const marker = opts.then !== undefined ? thenMarkerPath(opts.then, opts.sudo) : undefined;
  let sftp: Sftp;
  let thenLeftOver = false;
  try {
    sftp = await session.sftp();
    let owner: WantedOwner | undefined;
    let useSudo = opts.sudo;
    if (opts.chown) {
      const resolved = await resolveOwner(session, opts.chown);
      owner = resolved.owner;
      // Giving files to someone else needs root; to oneself it does not.
      if (!resolved.isLoginUser) useSudo = true;
    }
    const plans = await planHost(session, sftp, { ...opts, sudo: useSudo }, owner);
    changes = plans.flatMap(listChanges);
    for (const change of changes) opts.emit({ type: 'stdout', host, line: Buffer.from(formatChange(change)) });
    if (opts.diff) diffs = await collectDiffs(session, sftp, plans, useSudo);
    if (changes.length === 0) {
      thenLeftOver = marker !== undefined && (await isThenPending(sftp, marker));
      if (!thenLeftOver) return finish('ok');
      opts.emit({ type: 'notice', host, message: `--then did not succeed after an earlier push (~/${marker}): ${opts.dryRun ? 'a real run runs it' : 'running it now'}` });
      if (opts.dryRun) return finish('ok');
    } else if (opts.dryRun) {
      // Fails where the real run would, with its words: a dry run that says "would change" can be trusted.
      const problem = await predictFailure(session, sftp, plans, { sudo: useSudo, delete: opts.delete });
      return problem === null ? finish('ok') : finish('failed', { error: problem });
    }
    if (opts.signal.aborted) return finish('interrupted', { error: 'interrupted before writing: nothing written' });
    if (changes.length === 0) {
      // only the left-over --then to run
    } else if (useSudo) sent = await applyWithSudo(session, sftp, plans, owner, opts.readLocal, opts.signal, opts.tarRun);
    else for (const plan of plans) await applyWithSftp(sftp, plan, opts.readLocal, opts.signal, sent);
    await setTimesBefore1970(session, plans, useSudo);
  } catch (err) {
    debug('%s: push failed: %s', host, (err as Error).stack);
    if (opts.signal.aborted) return finish('interrupted', { error: 'interrupted while writing: each file is as it was or whole new' });
    if (err instanceof ConnectError) return finish('unreachable', { error: err.message });
    if (session.lost) return finish('unreachable', { error: 'connection lost while pushing: each file is as it was or whole new' });
    const message = err instanceof PushError ? err.message : describeSftpError(err, '?').message;
    return finish('failed', { error: message });
  }
  if (opts.then !== undefined && marker !== undefined) {
    // Left until --then succeeds: a later push with nothing to change still runs it.
    if (!thenLeftOver) await markThenPending(sftp, marker, opts.then);
    const again = '(the next push with this --then runs it, even with nothing to change)';
    if (opts.signal.aborted) return finish('interrupted', { error: `interrupted before --then: every change was made, --then did not run ${again}` });
    const then = await execOnHost(session, { command: opts.then, sudo: opts.sudo, signal: opts.signal, emit: opts.emit });
    if (!then.ok) {
      thenFailed = true;
      const made = changes.length > 0 ? 'every change above was made, ' : '';
      return finish(then.status, { error: `--then failed: ${then.error}; ${made}--then is left pending ${again}`, exitCode: then.exitCode, signal: then.signal });
    }
    await clearThenPending(sftp, marker);
  }
  return finish('ok');
}
