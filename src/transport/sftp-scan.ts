import type { SftpAttrs, SftpDirEntry } from './sftp-types.js';

/**
 * What to walk of a remote tree (push's remote scan): `root` and, when it is a directory, the
 * directories below it that `descend` names (relative paths, `/`-separated), or every one with
 * `all`; symlink targets are read for the relative paths in `linkTargets` only. With
 * `rootIsDir`, a symlink at the root that leads to a directory stands for that directory (rsync -K).
 */
export interface TreeScanRequest {
  root: string;
  rootIsDir: boolean;
  all: boolean;
  descend: string[];
  linkTargets: string[];
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

/** The SFTP calls a scan makes. */
export interface ScanCalls {
  lstat(p: string): Promise<SftpAttrs>;
  stat(p: string): Promise<SftpAttrs>;
  readdir(p: string): Promise<SftpDirEntry[]>;
  readlink(p: string): Promise<string>;
}

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
// SFTP status: no such file (see sftp-errors.ts)
const NO_SUCH_FILE = 2;

function withPath(err: unknown, p: string): Error {
  return Object.assign(err as Error, { path: p });
}

/**
 * Walks the tree `req` names with `sftp`, every request of a level in flight at once. A root
 * that does not exist gives an empty tree; any other failure rejects with the error of the call,
 * its `path` set to the path it was made on.
 */
export async function scanTree(sftp: ScanCalls, req: TreeScanRequest): Promise<ScannedTree> {
  const out: ScannedTree = { rels: [], nums: [], targets: [] };
  let root: SftpAttrs;
  try {
    root = await sftp.lstat(req.root);
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
    let list: SftpDirEntry[];
    try {
      list = await sftp.readdir(dir);
    } catch (err) {
      throw withPath(err, dir);
    }
    const prefix = rel === '' ? '' : `${rel}/`;
    const base = dir.endsWith('/') ? dir : `${dir}/`;
    for (const item of list) {
      const name = item.filename;
      if (name === '.' || name === '..') continue;
      add(prefix + name, item.attrs, base + name);
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
  const order = rels.map((_, i) => i).sort((a, b) => (rels[a] < rels[b] ? -1 : rels[a] > rels[b] ? 1 : 0));
  const at = new Array<number>(rels.length);
  const out: ScannedTree = { rels: new Array(rels.length), nums: new Array(nums.length), targets: [] };
  order.forEach((from, to) => {
    at[from] = to;
    out.rels[to] = rels[from];
    for (let k = 0; k < 5; k++) out.nums[5 * to + k] = nums[5 * from + k];
  });
  out.targets = t.targets.map(([i, target]): [number, string] => [at[i], target]).sort((a, b) => a[0] - b[0]);
  return out;
}
