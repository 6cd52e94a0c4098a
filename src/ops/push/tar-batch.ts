import path from 'node:path';
import { pack as tarPack } from 'tar-stream';
import { hasRawBytes } from '../../core/byte-names.js';
import { quoteCommand } from '../../remote/quote.js';
import type { HostSession } from '../../transport/types.js';
import { randomHex } from '../../ssh/random-pool.js';
import { SMALL_FILE_BYTES, type LocalReader } from './local-reader.js';
import type { PlanItem } from './plan.js';
import { PushError } from './push-error.js';
import { firstLine, runScript } from './run-remote.js';
import { buildSudoArgv, MAX_COMMAND, rootFailure, runAsRoot, type SudoOp } from './sudo-script.js';
import { throwIfInterrupted, type SendCount } from './write-sftp.js';

/**
 * push --sudo sends many small files as one tar stream that root extracts, each with its final
 * mode, mtime and owner, into a private staging directory inside its target directory
 * (`DIR/.isuops-` and 12 hex digits: same filesystem), from which every file is renamed over its
 * target (rename(2): each target is the old or the whole new file); then the staging directory
 * is removed. Each file is written once on the host, where the SFTP route wrote it twice
 * (uploaded to /tmp as the login user, then copied by root): 1,000 files to 5 hosts went from
 * 4.1-4.9 s to 2.2 s in `npm run bench` (rsync run as root: 2.4 s). Without --sudo the same stream was slower than SFTP here (2.9-3.3 s
 * against 2.3 s): creating files costs the hosts the same either way, and SFTP keeps many in
 * flight. Below this count the SFTP route is as quick.
 */
export const TAR_MIN_FILES = 8;
// Files per staging directory: their names all go on one `mv` command line (like G ops).
const MAX_STAGE_FILES = 1000;

/**
 * What the hosts of one run share for their tar streams: one name for the staging directories
 * (`.isuops-<runId>`), and each archive built once: the hosts of a fleet usually get the same
 * files, and packing 1,000 files cost each host ~40 ms of the CLI's CPU.
 */
export interface TarRun {
  runId: string;
  archives: Map<string, Promise<Buffer[]>>;
}

export function makeTarRun(): TarRun {
  return { runId: randomHex(6), archives: new Map() };
}

// Archives up to this size are kept for the run's other hosts; larger ones are packed per host.
const SHARED_ARCHIVE_BYTES = 64 << 20;

/** A file to send in the stream: its target, bytes, mode and mtime (whole seconds). */
export interface TarFile {
  target: string;
  data: Buffer;
  mode: number;
  mtime: number;
}

/** One staging directory: `stage` inside `dir`, holding `files` (all bound for `dir`). */
export interface TarStage {
  stage: string;
  dir: string;
  files: TarFile[];
}

/** Groups `files` by target directory (in order) into staging directories named after `runId`. */
export function planTarStages(files: readonly TarFile[], runId: string = randomHex(6)): TarStage[] {
  const byDir = new Map<string, TarFile[]>();
  for (const f of files) {
    const dir = path.posix.dirname(f.target);
    const list = byDir.get(dir);
    if (list) list.push(f);
    else byDir.set(dir, [f]);
  }
  const stages: TarStage[] = [];
  for (const [dir, list] of byDir) {
    for (let i = 0; i < list.length; i += MAX_STAGE_FILES) {
      const name = `.isuops-${runId}${i === 0 ? '' : `-${i / MAX_STAGE_FILES}`}`;
      stages.push({ stage: path.posix.join(dir, name), dir, files: list.slice(i, i + MAX_STAGE_FILES) });
    }
  }
  return stages;
}

/**
 * The script's ops for `stages`: T (extract the tar on stdin at /) then, per staging directory,
 * P (its directory: only root can change the path, see onlyRootCanChange) and M (rename its files
 * into DIR, or remove it all if the extraction failed).
 */
export function tarOps(stages: readonly TarStage[]): SudoOp[] {
  return [['T', '-', '/', '-', '-', '-'], ...stages.flatMap((s): SudoOp[] => [['P', '-', s.dir, '-', '-', '-'], ['M', s.stage, s.dir, '-', '-', '-']])];
}

/** The archive's member name for an absolute remote path (tar runs with `-C /`). */
export function memberName(p: string): string {
  return p.replace(/^\/+/, '');
}

// The archive goes out in pieces of this size: one write per header or file made ~3 small SSH
// packets per file, and the host's tar took 4x as long reading them (2 s instead of 0.5 s for
// 1,000 files).
const CHUNK_BYTES = 64 * 1024;

/**
 * The archive for `stages`, in pieces of about CHUNK_BYTES: each staging directory (0700) then
 * its files, owned by `owner` (root's unless --chown says else).
 */
export async function* tarChunks(stages: readonly TarStage[], owner: { uid: number; gid: number }): AsyncGenerator<Buffer> {
  const archive = tarPack();
  const now = new Date();
  for (const s of stages) {
    archive.entry({ name: `${memberName(s.stage)}/`, type: 'directory', mode: 0o700, mtime: now, ...owner });
    for (const f of s.files) {
      archive.entry({ name: `${memberName(s.stage)}/${path.posix.basename(f.target)}`, type: 'file', size: f.data.length, mode: f.mode, mtime: new Date(f.mtime * 1000), ...owner }, f.data);
    }
  }
  archive.finalize();
  let parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of archive as AsyncIterable<Buffer>) {
    parts.push(chunk);
    size += chunk.length;
    if (size >= CHUNK_BYTES) {
      yield Buffer.concat(parts, size);
      parts = [];
      size = 0;
    }
  }
  if (size > 0) yield Buffer.concat(parts, size);
}

// The run's buffers get numbers: two archives are the same only with the very same bytes.
const bufferIds = new WeakMap<Buffer, number>();
let nextBufferId = 0;
function bufferId(b: Buffer): number {
  let id = bufferIds.get(b);
  if (id === undefined) bufferIds.set(b, (id = nextBufferId++));
  return id;
}

/** What makes two archives the same: every staging directory, file, mode, time and the owner. */
function archiveKey(stages: readonly TarStage[], owner: { uid: number; gid: number }): string {
  const parts = [`${owner.uid}:${owner.gid}`];
  for (const s of stages) {
    parts.push(s.stage);
    for (const f of s.files) parts.push(`${f.target}\0${bufferId(f.data)}\0${f.mode}\0${f.mtime}`);
  }
  return parts.join('\0');
}

/** The archive of `stages`: packed once per run for every host that needs the same one (see TarRun). */
export function archiveFor(stages: readonly TarStage[], owner: { uid: number; gid: number }, run?: TarRun): AsyncIterable<Buffer> {
  const bytes = stages.reduce((n, s) => s.files.reduce((m, f) => m + f.data.length, n), 0);
  if (!run || bytes > SHARED_ARCHIVE_BYTES) return tarChunks(stages, owner);
  const key = archiveKey(stages, owner);
  let packed = run.archives.get(key);
  if (!packed) {
    packed = (async () => {
      const chunks: Buffer[] = [];
      for await (const c of tarChunks(stages, owner)) chunks.push(c);
      return chunks;
    })();
    run.archives.set(key, packed);
  }
  const ready = packed;
  return (async function* () {
    yield* await ready;
  })();
}

// A block that is no tar header (its checksum is wrong): tar fails on it ("Skipping to next
// header"), where a plain end of stream between two files would pass as the archive's end.
const NOT_A_HEADER = Buffer.alloc(512, 0xff);

/**
 * `chunks` until `signal` aborts; then a block that is no header, so that the host's tar fails
 * and its script installs nothing of the stream, even when the cut falls between two files.
 */
export async function* cutOnAbort(chunks: AsyncIterable<Buffer>, signal: AbortSignal | undefined): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) {
    if (signal?.aborted) {
      yield NOT_A_HEADER;
      return;
    }
    yield chunk;
  }
}

/**
 * A one-line message for tar's complaint (`tar: home/u/d/.isuops-0123456789ab/f: Cannot open:
 * Permission denied`) naming the target, as SFTP failures are named.
 */
export function describeTarError(line: string): string {
  const m = /^tar: (.+?): (Cannot [a-z]+(?: [a-z]+)?: .+|Wrote only \d+ of \d+ bytes)$/.exec(line);
  if (!m) return line.replace(/^isuops: /, '');
  const target = `/${m[1].replace(/\/\.isuops-[0-9a-f]{12}(?:-\d+)?(?=\/|$)/, '')}`;
  const why = m[2].replace(/^Cannot [a-z]+(?: [a-z]+)?: /, '');
  if (/^Permission denied$/i.test(why)) return `permission denied: ${target}`;
  if (why.startsWith('Wrote only')) return `${target}: ${why.toLowerCase()} (disk full?)`;
  return `${target}: ${why.charAt(0).toLowerCase()}${why.slice(1)}`;
}

/**
 * The files of `items` that go by tar, with their bytes: files to send of at most
 * SMALL_FILE_BYTES, named in UTF-8, that `also` accepts and whose bytes the run holds; none unless there are
 * at least TAR_MIN_FILES.
 */
export async function pickTarFiles(items: readonly PlanItem[], readLocal: LocalReader | undefined, also: (item: PlanItem) => boolean = () => true): Promise<Map<PlanItem, Buffer>> {
  const picked = new Map<PlanItem, Buffer>();
  // tar-stream writes member names as UTF-8 (a pax `path` record past ASCII): a name that is not
  // UTF-8 (core/byte-names.ts) goes the one-file way, whose argv carries its bytes.
  const candidates = items.filter((i) => i.local.type === 'file' && i.decision.transfer && i.local.size <= SMALL_FILE_BYTES && !hasRawBytes(i.path) && also(i));
  if (!readLocal || candidates.length < TAR_MIN_FILES) return picked;
  for (const item of candidates) {
    const data = readLocal(item.local.localPath, item.local.size);
    if (data) picked.set(item, await data);
  }
  return picked.size >= TAR_MIN_FILES ? picked : new Map();
}

/** `picked` as files to stream. */
export function toTarFiles(picked: ReadonlyMap<PlanItem, Buffer>): TarFile[] {
  return [...picked].map(([item, data]) => ({ target: item.path, data, mode: item.wantMode, mtime: item.local.mtime }));
}

/** What sendTarFiles runs besides the stream: root's other ops, before it and after it. */
export interface TarAround {
  before: readonly SudoOp[];
  after: readonly SudoOp[];
  run?: TarRun;
}

// Stops the script when an op before it failed: what follows relies on it.
const STOP_IF_FAILED: SudoOp = ['S', '-', '-', '-', '-', '-'];

/**
 * Streams `files` to the host and installs them as root (T and M ops of the push script), with
 * `around.before` (directories, deletions, staged files) ahead of the stream and `around.after`
 * (directory times) behind it: all in one `sudo -n sh -c` when the command fits one exec request
 * (S ops stop it at the first failure, as separate commands would), else as separate commands,
 * the stream in as many as the staging directories' names need. Ctrl-C (`signal`) ends the
 * stream where it is: the host's tar fails and nothing of it is installed.
 */
export async function sendTarFiles(session: HostSession, files: readonly TarFile[], wanted?: { uid?: number; gid?: number }, signal?: AbortSignal, around: TarAround = { before: [], after: [] }): Promise<SendCount> {
  const owner = { uid: wanted?.uid ?? 0, gid: wanted?.gid ?? 0 };
  const sent: SendCount = { files: 0, bytes: 0 };
  const stages = planTarStages(files, around.run?.runId);
  const count = (batch: readonly TarStage[]): void => {
    for (const s of batch) for (const f of s.files) {
      sent.files += 1;
      sent.bytes += f.data.length;
    }
  };
  const stream = async (ops: readonly SudoOp[], batch: readonly TarStage[]): Promise<void> => {
    throwIfInterrupted(signal);
    const run = await runScript(session, quoteCommand(buildSudoArgv(ops)), cutOnAbort(archiveFor(batch, owner, around.run), signal));
    if (run.code !== 0) {
      const why = firstLine(run.stderr) || `exit code ${run.code}`;
      throw new PushError(rootFailure(why, describeTarError));
    }
    count(batch);
  };
  const hasOps = (ops: readonly SudoOp[]): boolean => ops.some((op) => op[0] !== 'P');
  const all = [...(hasOps(around.before) ? [...around.before, STOP_IF_FAILED] : []), ...tarOps(stages), ...(hasOps(around.after) ? [STOP_IF_FAILED, ...around.after] : [])];
  if (quoteCommand(buildSudoArgv(all)).length <= MAX_COMMAND) {
    await stream(all, stages);
    return sent;
  }
  await runAsRoot(session, around.before);
  const base = quoteCommand(buildSudoArgv(tarOps([]))).length;
  for (let i = 0; i < stages.length; ) {
    const batch: TarStage[] = [];
    for (let size = base; i < stages.length; i++) {
      const opSize = tarOps([stages[i]]).slice(1).reduce((n, op) => n + quoteCommand(op).length + 1, 0);
      if (batch.length > 0 && size + opSize > MAX_COMMAND) break;
      batch.push(stages[i]);
      size += opSize;
    }
    await stream(tarOps(batch), batch);
  }
  throwIfInterrupted(signal);
  await runAsRoot(session, around.after);
  return sent;
}
