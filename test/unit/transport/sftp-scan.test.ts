import { describe, expect, it } from 'vitest';
import { scanTree, type ScanCalls, type TreeScanRequest } from '../../../src/transport/sftp-scan.js';
import type { SftpAttrs } from '../../../src/transport/sftp-types.js';

const DIR = 0o040755;
const FILE = 0o100644;
const LINK = 0o120777;

interface Node {
  mode: number;
  size?: number;
  target?: string;
  /** readdir fails with this SFTP code (3: permission denied) */
  denied?: boolean;
}

/** A fake remote filesystem: absolute path -> node; every call made is recorded. */
function fakeSftp(fs: Record<string, Node>): ScanCalls & { calls: string[] } {
  const calls: string[] = [];
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
  return {
    calls,
    lstat: async (p) => (calls.push(`lstat ${p}`), attrs(get(p))),
    stat: async (p) => (calls.push(`stat ${p}`), attrs(resolve(p))),
    readlink: async (p) => (calls.push(`readlink ${p}`), get(p).target!),
    readdir: async (asked) => {
      calls.push(`readdir ${asked}`);
      // a directory through a symlink (absolute targets only here) lists the directory
      const p = get(asked).mode === LINK ? get(asked).target! : real(asked);
      if (get(p).denied) throw Object.assign(new Error('Permission denied'), { code: 3 });
      const prefix = p.endsWith('/') ? p : `${p}/`;
      const names = Object.keys(fs).filter((k) => k.startsWith(prefix) && k.length > prefix.length && !k.slice(prefix.length).includes('/'));
      return ['.', '..', ...names.map((k) => k.slice(prefix.length))].map((filename) => ({ filename, longname: '', attrs: attrs(fs[prefix + filename] ?? { mode: DIR }) }));
    },
  };
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
};

const req = (root: string, over: Partial<TreeScanRequest> = {}): TreeScanRequest => ({ root, rootIsDir: true, all: false, descend: [], linkTargets: [], ...over });

/** rel -> [mode, size] and rel -> target, as push reads them back. */
function entries(t: Awaited<ReturnType<typeof scanTree>>): Record<string, string> {
  const out: Record<string, string> = {};
  t.rels.forEach((rel, i) => (out[rel] = `${t.nums[5 * i].toString(8)} ${t.nums[5 * i + 1]}`));
  for (const [i, target] of t.targets) out[t.rels[i]] += ` -> ${target}`;
  return out;
}

describe('scanTree: the remote side of a push in one request', () => {
  // prettier-ignore
  it.each<[string, TreeScanRequest, Record<string, string>]>([
    ['a root that does not exist: nothing', req('/srv/none'), {}],
    ['a file root: itself only', req('/srv/file', { rootIsDir: false }), { '': '100644 9' }],
    ['a directory: its entries, and only the subdirectories asked for', req('/srv/app', { descend: ['sub'] }),
      { '': '40755 0', 'a.conf': '100644 3', sub: '40755 0', 'sub/b': '100644 5', extra: '40755 0', ln: '120777 0', ln2: '120777 0' }],
    ['--delete (all): every directory', req('/srv/app', { all: true }),
      { '': '40755 0', 'a.conf': '100644 3', sub: '40755 0', 'sub/b': '100644 5', extra: '40755 0', 'extra/old': '100644 0', ln: '120777 0', ln2: '120777 0' }],
    ['link targets only where asked', req('/srv/app', { linkTargets: ['ln'] }),
      { '': '40755 0', 'a.conf': '100644 3', sub: '40755 0', extra: '40755 0', ln: '120777 0 -> a.conf', ln2: '120777 0' }],
    ['a symlink root to a directory stands for it when the local root is a directory (-K)', req('/srv/link', { descend: ['sub'] }),
      { '': '40755 0', 'a.conf': '100644 3', sub: '40755 0', 'sub/b': '100644 5', extra: '40755 0', ln: '120777 0', ln2: '120777 0' }],
    ['a symlink root stays a link when the local root is not a directory', req('/srv/link', { rootIsDir: false, linkTargets: [''] }),
      { '': '120777 0 -> /srv/app' }],
    ['a directory root is not walked when the local root is a file', req('/srv/app', { rootIsDir: false }), { '': '40755 0' }],
  ])('%s', async (_name, request, expected) => {
    expect(entries(await scanTree(fakeSftp(tree), request))).toEqual(expected);
  });

  it('an unreadable directory rejects with its SFTP code and its path', async () => {
    const err = await scanTree(fakeSftp(tree), req('/srv/locked', { descend: ['sub'] })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 3, path: '/srv/locked/sub' });
  });

  it('a root that cannot be looked at rejects with the root as its path', async () => {
    const sftp = fakeSftp(tree);
    sftp.lstat = async () => {
      throw Object.assign(new Error('Permission denied'), { code: 3 });
    };
    expect(await scanTree(sftp, req('/srv/app')).catch((e: unknown) => e)).toMatchObject({ code: 3, path: '/srv/app' });
  });

  it('lists the entries in name order whatever order the host gives them in; targets follow their entries', async () => {
    const sftp = fakeSftp({ '/r': { mode: DIR }, '/r/z': { mode: LINK, target: 'zt' }, '/r/b': { mode: DIR }, '/r/b/y': { mode: FILE }, '/r/a': { mode: LINK, target: 'at' } });
    const listed = sftp.readdir;
    sftp.readdir = async (p) => (await listed(p)).reverse();
    const t = await scanTree(sftp, req('/r', { descend: ['b'], linkTargets: ['a', 'z'] }));
    expect(t.rels).toEqual(['', 'a', 'b', 'b/y', 'z']);
    expect(t.targets).toEqual([[1, 'at'], [4, 'zt']]);
    expect(t.nums.filter((_, i) => i % 5 === 0).map((m) => m.toString(8))).toEqual(['40755', '120777', '40755', '100644', '120777']);
  });

  it('joins names under / without doubling the slash', async () => {
    const sftp = fakeSftp({ '/': { mode: DIR }, '/x': { mode: DIR }, '/x/y': { mode: FILE } });
    expect(entries(await scanTree(sftp, req('/', { descend: ['x'] })))).toEqual({ '': '40755 0', x: '40755 0', 'x/y': '100644 0' });
    expect(sftp.calls).toEqual(['lstat /', 'readdir /', 'readdir /x']);
  });
});
