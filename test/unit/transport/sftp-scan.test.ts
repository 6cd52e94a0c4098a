import { describe, expect, it } from 'vitest';
import { pagesFor, scanTree, type ScanCalls, type TreeScanRequest } from '../../../src/transport/sftp-scan.js';
import type { SftpAttrs, SftpDirEntry } from '../../../src/transport/sftp-types.js';

const DIR = 0o040755;
const FILE = 0o100644;
const LINK = 0o120777;

interface Node {
  mode: number;
  size?: number;
  target?: string;
  /** opening it fails with this SFTP code (3: permission denied) */
  denied?: boolean;
}

interface Fake extends ScanCalls {
  calls: string[];
  /** Answers every call made so far (one round trip); how many were answered. */
  answer(): number;
  /** Handles open now, and the most open at once. */
  open: number;
  maxOpen: number;
  /** Entries per READDIR reply ('.' and '..' counted), as OpenSSH's sftp-server sends 100. */
  page: number;
  /** opendir of these paths fails once with no such file (made just after it was tried) */
  failOnce: Set<string>;
  /** The round trips (0: before the first answer) in which calls were sent: each is one write. */
  sentIn: Set<number>;
}

/**
 * A fake remote filesystem (absolute path -> node) whose calls are answered only by answer():
 * the calls answered together are one round trip. Every call made is recorded.
 */
function fakeSftp(fs: Record<string, Node>): Fake {
  const waiting: Array<() => void> = [];
  let turn = 0;
  const later = <T>(fn: () => T): Promise<T> => (fake.sentIn.add(turn), new Promise((resolve, reject) => waiting.push(() => {
    try {
      resolve(fn());
    } catch (err) {
      reject(err);
    }
  })));
  const attrs = (n: Node): SftpAttrs => ({ mode: n.mode, size: n.size ?? 0, mtime: 1700000000, atime: 0, uid: 1000, gid: 1000 });
  // a path through a symlinked directory (absolute targets only here) is the path in the directory
  const real = (p: string): string => {
    for (const [k, n] of Object.entries(fs)) if (n.mode === LINK && p.startsWith(`${k}/`)) return real(n.target! + p.slice(k.length));
    return p;
  };
  const get = (p: string): Node => {
    const n = fs[real(p)];
    if (!n) throw Object.assign(new Error('No such file'), { code: 2 });
    return n;
  };
  const resolve = (p: string): Node => {
    const n = get(p);
    return (n.mode & 0o170000) === 0o120000 ? resolve(n.target!.startsWith('/') ? n.target! : `${p.replace(/\/[^/]*$/, '')}/${n.target}`) : n;
  };
  const handles = new Map<number, SftpDirEntry[]>();
  let nextHandle = 0;
  const fake: Fake = {
    calls: [],
    open: 0,
    maxOpen: 0,
    page: 100,
    failOnce: new Set(),
    sentIn: new Set(),
    answer: () => {
      turn++;
      const now = waiting.splice(0);
      for (const w of now) w();
      return now.length;
    },
    lstat: (p) => (fake.calls.push(`lstat ${p}`), later(() => attrs(get(p)))),
    stat: (p) => (fake.calls.push(`stat ${p}`), later(() => attrs(resolve(p)))),
    readlink: (p) => (fake.calls.push(`readlink ${p}`), later(() => get(p).target!)),
    opendir: (asked) => {
      fake.calls.push(`opendir ${asked}`);
      return later(() => {
        if (fake.failOnce.delete(asked)) throw Object.assign(new Error('No such file'), { code: 2 });
        // a directory through a symlink lists the directory it leads to
        const p = get(asked).mode === LINK ? resolvePath(get(asked).target!) : real(asked);
        const n = get(p);
        if (n.denied) throw Object.assign(new Error('Permission denied'), { code: 3 });
        if ((n.mode & 0o170000) !== 0o040000) throw Object.assign(new Error('Not a directory'), { code: 4 });
        const prefix = p.endsWith('/') ? p : `${p}/`;
        const names = Object.keys(fs).filter((k) => k.startsWith(prefix) && k.length > prefix.length && !k.slice(prefix.length).includes('/'));
        const h = nextHandle++;
        handles.set(h, ['.', '..', ...names.map((k) => k.slice(prefix.length))].map((filename) => ({ filename, longname: '', attrs: attrs(fs[prefix + filename] ?? { mode: DIR }) })));
        fake.open++;
        fake.maxOpen = Math.max(fake.maxOpen, fake.open);
        return h;
      });
    },
    readHandle: (h) => {
      fake.calls.push(`readdir ${String(h)}`);
      return later(() => {
        const rest = handles.get(h as number);
        // OpenSSH's sftp-server: a handle closed (or never opened) is a failure
        if (!rest) throw Object.assign(new Error('Failure'), { code: 4 });
        return rest.length === 0 ? null : rest.splice(0, fake.page);
      });
    },
    closeHandle: (h) => {
      fake.calls.push(`close ${String(h)}`);
      return later(() => {
        handles.delete(h as number);
        fake.open--;
      });
    },
  };
  const resolvePath = (p: string): string => real(p);
  return fake;
}

/** Runs `scan` to its end, answering the calls round trip by round trip: its result (or error) and how many round trips it waited for. */
async function drive<T>(sftp: Fake, scan: Promise<T>): Promise<{ value?: T; error?: unknown; turns: number }> {
  let settled: { value?: T; error?: unknown } | undefined;
  scan.then((value) => (settled = { value }), (error: unknown) => (settled = { error }));
  let turns = 0;
  for (;;) {
    await new Promise((r) => setImmediate(r));
    if (settled) break;
    if (sftp.answer() === 0) throw new Error('the scan waits for nothing it asked');
    turns++;
  }
  // what was sent without being waited for (the closes) is answered too
  while (sftp.answer() > 0) await new Promise((r) => setImmediate(r));
  return { ...settled, turns };
}

const tree: Record<string, Node> = {
  '/srv/app': { mode: DIR },
  '/srv/app/a.conf': { mode: FILE, size: 3 },
  '/srv/app/sub': { mode: DIR },
  '/srv/app/sub/b': { mode: FILE, size: 5 },
  '/srv/app/extra': { mode: DIR },
  '/srv/app/extra/old': { mode: FILE },
  '/srv/app/ln': { mode: LINK, target: 'a.conf' },
  '/srv/app/ln2': { mode: LINK, target: '/etc' },
  '/srv/link': { mode: LINK, target: '/srv/app' },
  '/srv/file': { mode: FILE, size: 9 },
  '/srv/locked': { mode: DIR },
  '/srv/locked/sub': { mode: DIR, denied: true },
  '/etc': { mode: DIR },
  '/etc/passwd': { mode: FILE, size: 1 },
};

const req = (root: string, over: Partial<TreeScanRequest> = {}): TreeScanRequest => ({ root, rootIsDir: true, all: false, descend: [], linkTargets: [], ...over });

/** rel -> [mode, size] and rel -> target, as push reads them back. */
function entries(t: Awaited<ReturnType<typeof scanTree>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  t!.rels.forEach((rel, i) => (out[rel] = `${t!.nums[5 * i].toString(8)} ${t!.nums[5 * i + 1]}`));
  for (const [i, target] of t!.targets) out[t!.rels[i]] += ` -> ${target}`;
  return out;
}

async function scan(fs: Record<string, Node>, request: TreeScanRequest, setup?: (f: Fake) => void): Promise<{ value?: Awaited<ReturnType<typeof scanTree>>; error?: unknown; turns: number; sftp: Fake }> {
  const sftp = fakeSftp(fs);
  setup?.(sftp);
  return { ...(await drive(sftp, scanTree(sftp, request))), sftp };
}

/** A root with `dirs` directories of `files` files each. */
function wide(dirs: number, files: number): Record<string, Node> {
  const fs: Record<string, Node> = { '/t': { mode: DIR } };
  for (let d = 0; d < dirs; d++) {
    fs[`/t/d${d}`] = { mode: DIR };
    for (let f = 0; f < files; f++) fs[`/t/d${d}/f${f}`] = { mode: FILE, size: f };
  }
  return fs;
}

describe('scanTree: the remote side of a push in one request', () => {
  // prettier-ignore
  it.each<[string, TreeScanRequest, Record<string, string>]>([
    ['a root that does not exist: nothing', req('/srv/none', { descend: ['sub'] }), {}],
    ['a file root: itself only', req('/srv/file', { rootIsDir: false }), { '': '100644 9' }],
    ['a directory: its entries, and only the subdirectories asked for', req('/srv/app', { descend: ['sub'] }),
      { '': '40755 0', 'a.conf': '100644 3', sub: '40755 0', 'sub/b': '100644 5', extra: '40755 0', ln: '120777 0', ln2: '120777 0' }],
    ['--delete (all): every directory', req('/srv/app', { all: true, descend: ['sub'] }),
      { '': '40755 0', 'a.conf': '100644 3', sub: '40755 0', 'sub/b': '100644 5', extra: '40755 0', 'extra/old': '100644 0', ln: '120777 0', ln2: '120777 0' }],
    ['link targets only where asked', req('/srv/app', { linkTargets: ['ln'] }),
      { '': '40755 0', 'a.conf': '100644 3', sub: '40755 0', extra: '40755 0', ln: '120777 0 -> a.conf', ln2: '120777 0' }],
    ['a symlink root to a directory stands for it when the local root is a directory (-K)', req('/srv/link', { descend: ['sub'] }),
      { '': '40755 0', 'a.conf': '100644 3', sub: '40755 0', 'sub/b': '100644 5', extra: '40755 0', ln: '120777 0', ln2: '120777 0' }],
    ['a symlink root stays a link when the local root is not a directory', req('/srv/link', { rootIsDir: false, linkTargets: [''] }),
      { '': '120777 0 -> /srv/app' }],
    ['a directory root is not walked when the local root is a file', req('/srv/app', { rootIsDir: false }), { '': '40755 0' }],
    ['a directory asked for that is a symlink on the host is not walked (what it was opened as is dropped)', req('/srv/app', { descend: ['ln2', 'sub'] }),
      { '': '40755 0', 'a.conf': '100644 3', sub: '40755 0', 'sub/b': '100644 5', extra: '40755 0', ln: '120777 0', ln2: '120777 0' }],
    ['a directory asked for that is a file on the host is not walked', req('/srv/app', { descend: ['a.conf'] }),
      { '': '40755 0', 'a.conf': '100644 3', sub: '40755 0', extra: '40755 0', ln: '120777 0', ln2: '120777 0' }],
  ])('%s', async (_name, request, expected) => {
    const r = await scan(tree, request);
    expect(r.error).toBeUndefined();
    expect(entries(r.value)).toEqual(expected);
    expect(r.sftp.open).toBe(0);
  });

  it('an unreadable directory rejects with its SFTP code and its path', async () => {
    const r = await scan(tree, req('/srv/locked', { descend: ['sub'] }));
    expect(r.error).toMatchObject({ code: 3, path: '/srv/locked/sub' });
  });

  it('a root that cannot be looked at rejects with the root as its path', async () => {
    const r = await scan(tree, req('/srv/app'), (sftp) => {
      sftp.lstat = async () => {
        throw Object.assign(new Error('Permission denied'), { code: 3 });
      };
    });
    expect(r.error).toMatchObject({ code: 3, path: '/srv/app' });
  });

  it('lists the entries in name order whatever order the host gives them in; targets follow their entries', async () => {
    const r = await scan({ '/r': { mode: DIR }, '/r/z': { mode: LINK, target: 'zt' }, '/r/b': { mode: DIR }, '/r/b/y': { mode: FILE }, '/r/a': { mode: LINK, target: 'at' } }, req('/r', { descend: ['b'], linkTargets: ['a', 'z'] }), (sftp) => {
      const read = sftp.readHandle;
      sftp.readHandle = async (h) => (await read(h))?.reverse() ?? null;
    });
    const t = r.value!;
    expect(t.rels).toEqual(['', 'a', 'b', 'b/y', 'z']);
    expect(t.targets).toEqual([[1, 'at'], [4, 'zt']]);
    expect(t.nums.filter((_, i) => i % 5 === 0).map((m) => m.toString(8))).toEqual(['40755', '120777', '40755', '100644', '120777']);
  });

  it('joins names under / without doubling the slash', async () => {
    const r = await scan({ '/': { mode: DIR }, '/x': { mode: DIR }, '/x/y': { mode: FILE } }, req('/', { descend: ['x'] }));
    expect(entries(r.value)).toEqual({ '': '40755 0', x: '40755 0', 'x/y': '100644 0' });
    expect(r.sftp.calls.filter((c) => !/^(readdir|close) /.test(c))).toEqual(['lstat /', 'opendir /', 'opendir /x']);
  });

  // prettier-ignore
  it.each<[string, Record<string, Node>, TreeScanRequest, number]>([
    ['a tree like the local one (sizes given): the root and every directory asked for at once', wide(10, 100),
      req('/t', { descend: Array.from({ length: 10 }, (_, d) => `d${d}`), entries: { '': 10, ...Object.fromEntries(Array.from({ length: 10 }, (_, d) => [`d${d}`, 100])) } }), 2],
    ['three levels: still 2', { ...wide(2, 3), '/t/d0/in': { mode: DIR }, '/t/d0/in/x': { mode: FILE } },
      req('/t', { descend: ['d0', 'd1', 'd0/in'], entries: { '': 2, d0: 4, d1: 3, 'd0/in': 1 } }), 2],
    ['sizes not given: a directory of more than 98 entries needs a third', wide(3, 100), req('/t', { descend: ['d0', 'd1', 'd2'] }), 3],
    ['a directory grown on the host past the size given: opened and read again', wide(1, 300), req('/t', { descend: ['d0'], entries: { '': 1, d0: 100 } }), 4],
    ['--delete: a directory that only the host has is opened after its parent\'s listing, then read', { ...wide(1, 1), '/t/old': { mode: DIR }, '/t/old/x': { mode: FILE } },
      req('/t', { all: true, descend: ['d0'], entries: { '': 1, d0: 1 } }), 4],
    ['a root that does not exist: 1', wide(0, 0), req('/none', { descend: ['a', 'b'] }), 1],
  ])('round trips: %s', async (_name, fs, request, turns) => {
    const r = await scan(fs, request);
    expect(r.error).toBeUndefined();
    const want = Object.keys(fs).filter((p) => p === request.root || p.startsWith(`${request.root}/`)).length;
    expect(r.value!.rels.length).toBe(want);
    expect(r.turns).toBe(turns);
    expect(r.sftp.open).toBe(0);
  });

  it('a tree like the local one is asked for in 2 writes: the lstat with every opendir, then every READDIR with the closes', async () => {
    const r = await scan(wide(10, 100), req('/t', { descend: Array.from({ length: 10 }, (_, d) => `d${d}`), entries: { '': 10, ...Object.fromEntries(Array.from({ length: 10 }, (_, d) => [`d${d}`, 100])) } }));
    expect(r.value!.rels.length).toBe(1 + 10 * 101);
    expect([...r.sftp.sentIn]).toEqual([0, 1]);
    expect(r.sftp.calls.filter((c) => c.startsWith('close '))).toHaveLength(11);
    expect(r.sftp.open).toBe(0);
  });

  it('a directory asked for that was not there when opened, but is in its parent\'s listing, is read again', async () => {
    const r = await scan(tree, req('/srv/app', { descend: ['sub'] }), (sftp) => sftp.failOnce.add('/srv/app/sub'));
    expect(entries(r.value)['sub/b']).toBe('100644 5');
    expect(r.sftp.calls.filter((c) => c === 'opendir /srv/app/sub')).toHaveLength(2);
  });

  it('keeps at most 64 directories open at once', async () => {
    const dirs = Array.from({ length: 150 }, (_, d) => `d${d}`);
    const r = await scan(wide(150, 2), req('/t', { descend: dirs }));
    expect(r.value!.rels.length).toBe(1 + 150 * 3);
    expect(r.sftp.maxOpen).toBe(64);
    expect(r.sftp.open).toBe(0);
  });

  it('entries given as an own field only ("constructor" is a name like another)', async () => {
    const r = await scan({ '/t': { mode: DIR }, '/t/constructor': { mode: DIR }, '/t/constructor/f': { mode: FILE } }, req('/t', { descend: ['constructor'] }));
    expect(entries(r.value)['constructor/f']).toBe('100644 0');
  });
});

describe('pagesFor: the READDIRs sent together for a directory of N entries (100 a reply, . and .. counted, then EOF)', () => {
  it.each<[number | undefined, number]>([
    [undefined, 2],
    [0, 2],
    [10, 2],
    [98, 2],
    [99, 3],
    [100, 3],
    [198, 3],
    [199, 4],
    [100_000, 16],
  ])('%s entries: %i', (n, pages) => {
    expect(pagesFor(n)).toBe(pages);
  });
});
