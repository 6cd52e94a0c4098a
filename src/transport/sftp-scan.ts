import type { SftpAttrs, SftpDirEntry } from './sftp-types.js';

/**
 * What to walk of a remote tree (push's remote scan): `root` and, when it is a directory, the
 * directories below it that `descend` names (relative paths, `/`-separated), or every one with
 * `all` (those named are read first, see scanTree); symlink targets are read for the relative paths in `linkTargets` only. With
 * `rootIsDir`, a symlink at the root that leads to a directory stands for that directory (rsync -K).
 */
export interface TreeScanRequest {
  root: string;
  rootIsDir: boolean;
  all: boolean;
  descend: string[];
  linkTargets: string[];
  /** How many entries the local side has in a directory (rel path -> count): a guess of the remote one's size. */
  entries?: Record<string, number>;
}

/**
 * The tree as found, in name order, in a compact form (it crosses the daemon socket as one reply): `rels[i]`
 * ('' for the root) has attributes `nums[5i..5i+4]` = mode (with the type bits), size, mtime,
 * uid, gid; `targets` holds [index, target] for the symlinks asked about. No root: nothing there.
 */
export interface ScannedTree {
  rels: string[];
  nums: number[];
  targets: Array<[number, string]>;
}

/** An open directory's handle, as the SFTP session gave it. */
export type DirHandle = unknown;

/** The SFTP calls a scan makes. */
export interface ScanCalls {
  lstat(p: string): Promise<SftpAttrs>;
  stat(p: string): Promise<SftpAttrs>;
  readlink(p: string): Promise<string>;
  opendir(p: string): Promise<DirHandle>;
  /** The next entries of an open directory ('.' and '..' among them or not); null at its end. */
  readHandle(h: DirHandle): Promise<SftpDirEntry[] | null>;
  closeHandle(h: DirHandle): Promise<void>;
}

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
// SFTP status: no such file (see sftp-errors.ts)
const NO_SUCH_FILE = 2;
// OpenSSH's sftp-server answers a READDIR with at most 100 entries ('.' and '..' counted).
const PAGE = 100;
// Directories open at once per scan (the server's descriptors are the limit).
const OPEN_AT_ONCE = 64;
// READDIRs sent together for a directory whose size no one guessed.
const UNKNOWN_PAGES = 2;

function withPath(err: unknown, p: string): Error {
  return Object.assign(err as Error, { path: p });
}

/** How many READDIRs to send at once for `expected` entries: one per page plus the one that says the end. */
export function pagesFor(expected: number | undefined): number {
  return expected === undefined ? UNKNOWN_PAGES : Math.min(16, Math.ceil((expected + 2) / PAGE) + 1);
}

/** Runs at most `n` of the functions given at once, in the order given. */
function limiter(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let running = 0;
  const queue: Array<() => void> = [];
  return (fn) =>
    new Promise((resolve, reject) => {
      const start = (): void => {
        running++;
        fn().then(resolve, reject).finally(() => {
          running--;
          queue.shift()?.();
        });
      };
      if (running < n) start();
      else queue.push(start);
    });
}

/** The entries of `replies` up to the first EOF; undefined when none says EOF. A failure before it is thrown. */
function upToEof(replies: Array<PromiseSettledResult<SftpDirEntry[] | null>>, out: SftpDirEntry[]): SftpDirEntry[] | undefined {
  for (const r of replies) {
    if (r.status === 'rejected') throw r.reason;
    if (r.value === null) return out;
    for (const e of r.value) out.push(e);
  }
  return undefined;
}

/**
 * Every entry of directory `p`: opendir, then `pages` READDIRs sent together (the server answers
 * them in order: past the end each says EOF), again until one says EOF; the close is not waited
 * for. With `guessed` pages the close goes with the READDIRs (one write, no round trip of its
 * own); a directory longer than the guess is then read again, on a new handle.
 */
async function listDir(sftp: ScanCalls, p: string, pages: number, guessed: boolean): Promise<SftpDirEntry[]> {
  const h = await sftp.opendir(p);
  if (guessed) {
    const batch = Array.from({ length: pages }, () => sftp.readHandle(h));
    sftp.closeHandle(h).catch(() => undefined);
    const all = upToEof(await Promise.allSettled(batch), []);
    return all ?? listDir(sftp, p, pages * 2, false);
  }
  const out: SftpDirEntry[] = [];
  try {
    for (let n = pages; ; n = UNKNOWN_PAGES) {
      const all = upToEof(await Promise.allSettled(Array.from({ length: n }, () => sftp.readHandle(h))), out);
      if (all) return all;
    }
  } finally {
    sftp.closeHandle(h).catch(() => undefined);
  }
}

/**
 * Walks the tree `req` names with `sftp`. The directories the request names (`descend`) are
 * opened and read with the root, before the root's listing says whether they are directories
 * there: a tree like the local one is read in two round trips whatever its depth. A listing is
 * used only for a directory its parent's listing shows as one (a symlink is never walked); one
 * that failed then is read again, and its error is the walk's. A root that does not exist gives
 * an empty tree; any other failure rejects with the error of the call, its `path` set to the
 * path it was made on.
 */
export async function scanTree(sftp: ScanCalls, req: TreeScanRequest): Promise<ScannedTree> {
  const out: ScannedTree = { rels: [], nums: [], targets: [] };
  const limit = limiter(OPEN_AT_ONCE);
  const expected = req.entries ?? {};
  const guess = (rel: string): number | undefined => {
    const n = Object.hasOwn(expected, rel) ? expected[rel] : undefined;
    return typeof n === 'number' && n >= 0 ? n : undefined;
  };
  const list = (rel: string, p: string): Promise<SftpDirEntry[]> => {
    const n = guess(rel);
    return limit(() => listDir(sftp, p, pagesFor(n), n !== undefined));
  };
  const base = req.root.endsWith('/') ? req.root : `${req.root}/`;
  const early = new Map<string, Promise<SftpDirEntry[] | undefined>>();
  const rootAttrs = sftp.lstat(req.root);
  if (req.rootIsDir) {
    // sent with the lstat: read before anything says they are directories (see above)
    for (const rel of ['', ...req.descend]) early.set(rel, list(rel, rel === '' ? req.root : base + rel).catch(() => undefined));
  }
  let root: SftpAttrs;
  try {
    root = await rootAttrs;
  } catch (err) {
    if ((err as { code?: unknown }).code === NO_SUCH_FILE) return out;
    throw withPath(err, req.root);
  }
  if ((root.mode & S_IFMT) === S_IFLNK && req.rootIsDir) {
    const followed = await sftp.stat(req.root).catch(() => undefined);
    if (followed && (followed.mode & S_IFMT) === S_IFDIR) root = followed;
  }
  const descend = new Set(req.descend);
  const wantTarget = new Set(req.linkTargets);
  const jobs: Array<Promise<void>> = [];
  let failure: { err: unknown } | undefined;
  // Every job is caught at once (none is left unhandled); the first failure is thrown at the end.
  const job = (p: Promise<void>): void => {
    jobs.push(p.catch((err: unknown) => {
      failure ??= { err };
    }));
  };
  const add = (rel: string, a: SftpAttrs, p: string): void => {
    const i = out.rels.length;
    out.rels.push(rel);
    out.nums.push(a.mode, a.size, a.mtime, a.uid, a.gid);
    const fmt = a.mode & S_IFMT;
    if (fmt === S_IFLNK && wantTarget.has(rel)) {
      job(sftp.readlink(p).then((t) => {
        out.targets.push([i, t]);
      }));
    } else if (fmt === S_IFDIR && (rel === '' ? req.rootIsDir : req.all || descend.has(rel))) {
      job(walk(rel, p));
    }
  };
  const walk = async (rel: string, dir: string): Promise<void> => {
    let listing = await early.get(rel);
    early.delete(rel);
    try {
      listing ??= await list(rel, dir);
    } catch (err) {
      throw withPath(err, dir);
    }
    const prefix = rel === '' ? '' : `${rel}/`;
    const dirBase = dir.endsWith('/') ? dir : `${dir}/`;
    for (const item of listing) {
      const name = item.filename;
      if (name === '.' || name === '..') continue;
      add(prefix + name, item.attrs, dirBase + name);
    }
  };
  add('', root, req.root);
  // Jobs add jobs (each level's walks): wait until none is left.
  for (let done = 0; done < jobs.length; ) {
    const batch = jobs.slice(done);
    done = jobs.length;
    await Promise.all(batch);
  }
  if (failure) throw failure.err;
  return inNameOrder(out);
}

/**
 * The tree with its entries in name order (as the local scan sorts: by UTF-16 code units), so
 * that the same tree reads the same on every host, whatever order its filesystem lists it in
 * or the replies came in (push shares one plan between hosts whose trees are the same).
 */
function inNameOrder(t: ScannedTree): ScannedTree {
  const { rels, nums } = t;
  const index = new Map<string, number>();
  for (let i = 0; i < rels.length; i++) index.set(rels[i], i);
  // the default sort: code-unit order, compared natively (a comparator function costs ~10x here)
  const sorted = [...rels].sort();
  const at = new Array<number>(rels.length);
  const out: ScannedTree = { rels: sorted, nums: new Array(nums.length), targets: [] };
  for (let to = 0; to < sorted.length; to++) {
    const from = index.get(sorted[to])!;
    at[from] = to;
    for (let k = 0; k < 5; k++) out.nums[5 * to + k] = nums[5 * from + k];
  }
  out.targets = t.targets.map(([i, target]): [number, string] => [at[i], target]).sort((a, b) => a[0] - b[0]);
  return out;
}
