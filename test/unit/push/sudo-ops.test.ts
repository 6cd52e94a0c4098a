import { describe, expect, it } from 'vitest';
import { planSource } from '../../../src/ops/push/plan.js';
import type { LocalEntry } from '../../../src/ops/push/types.js';
import { buildSudoOps, onlyRootCanChange } from '../../../src/ops/push/write-sudo.js';

const file = (rel: string, mode = 0o644, localPath = `/src/${rel}`): LocalEntry => ({ rel, localPath, type: 'file', mode, size: 10, mtime: 1600000000 });
const dir = (rel: string): LocalEntry => ({ rel, localPath: `/src/${rel}`, type: 'dir', mode: 0o755, size: 0, mtime: 1600000000 });

describe('buildSudoOps', () => {
  it.each([
    ['a plain mode travels with the staged file', 0o644, '-', '-', 0o644],
    ['setuid/setgid/sticky bits are set by root after the copy', 0o4755, '-', '04755', 0o755],
    ['--chown: root chowns, then sets the mode (chown clears setuid)', 0o2755, '1000:1000', '02755', 0o755],
  ])('%s', (_name, mode, owner, opMode, stagedMode) => {
    const entries = [file('', mode, '/src/x.conf')];
    const plan = planSource('/etc/x.conf', entries, new Map(), [], { checksum: false, sameContent: new Map(), delete: false });
    const { ops, uploads } = buildSudoOps([plan], '/tmp/.stage', owner);
    expect(ops).toEqual([['P', '-', '/etc', '-', '-', '-'], ['F', '/tmp/.stage/f0', '/etc/x.conf', opMode, owner, '-']]);
    expect(uploads).toEqual([{ local: '/src/x.conf', remote: '/tmp/.stage/f0', size: 10, mode: stagedMode, mtime: 1600000000 }]);
  });

  it('files of one directory go in one G op, after the directories they need; a lone file or a setuid one gets an F op', () => {
    const entries = [dir(''), file('a.conf'), file('b.conf'), dir('one'), file('one/only'), dir('sub'), file('sub/c.conf'), file('sub/d.conf'), file('sub/e', 0o4755)];
    const plan = planSource('/etc/app', entries, new Map(), [], { checksum: false, sameContent: new Map(), delete: false });
    const { ops, dirTimes, uploads, stageDirs } = buildSudoOps([plan], '/tmp/.stage', '-');
    expect(ops.map((o) => o.slice(0, 3).join(' '))).toEqual([
      'P - /etc',
      'D - /etc/app',
      'D - /etc/app/one',
      'D - /etc/app/sub',
      'F /tmp/.stage/f0 /etc/app/sub/e',
      'G /tmp/.stage/g0 /etc/app',
      'F /tmp/.stage/f1 /etc/app/one/only',
      'G /tmp/.stage/g1 /etc/app/sub',
    ]);
    expect(dirTimes.map((o) => o.slice(0, 3).join(' '))).toEqual(['P - /etc', 'A - /etc/app', 'A - /etc/app/one', 'A - /etc/app/sub']);
    expect(stageDirs).toEqual(['/tmp/.stage/g0', '/tmp/.stage/g1']);
    expect(uploads.map((u) => `${u.local} -> ${u.remote}`)).toEqual([
      '/src/sub/e -> /tmp/.stage/f0',
      '/src/a.conf -> /tmp/.stage/g0/a.conf',
      '/src/b.conf -> /tmp/.stage/g0/b.conf',
      '/src/one/only -> /tmp/.stage/f1',
      '/src/sub/c.conf -> /tmp/.stage/g1/c.conf',
      '/src/sub/d.conf -> /tmp/.stage/g1/d.conf',
    ]);
  });

  it('files picked for the tar stream get no op and are not staged; the others keep theirs', () => {
    const entries = [dir(''), file('a.conf'), file('b.conf'), dir('sub'), file('sub/c.conf'), file('sub/d.conf'), file('sub/e', 0o4755)];
    const plan = planSource('/etc/app', entries, new Map(), [], { checksum: false, sameContent: new Map(), delete: false });
    const viaTar = new Set(plan.items.filter((i) => ['/etc/app/a.conf', '/etc/app/b.conf', '/etc/app/sub/c.conf'].includes(i.path)));
    const { ops, uploads } = buildSudoOps([plan], '/tmp/.stage', '-', viaTar);
    expect(ops.map((o) => o.slice(0, 3).join(' '))).toEqual(['P - /etc', 'D - /etc/app', 'D - /etc/app/sub', 'F /tmp/.stage/f0 /etc/app/sub/e', 'F /tmp/.stage/f1 /etc/app/sub/d.conf']);
    expect(uploads.map((u) => u.local)).toEqual(['/src/sub/e', '/src/sub/d.conf']);
  });

  it('a directory in the way of a file gets R (rmdir, only if empty), never X (rm -rf)', () => {
    const entries = [dir(''), file('conf.d')];
    const remote = new Map([
      ['', { type: 'dir' as const, mode: 0o755, size: 0, mtime: 1600000000, uid: 0, gid: 0 }],
      ['conf.d', { type: 'dir' as const, mode: 0o755, size: 0, mtime: 1600000000, uid: 0, gid: 0 }],
    ]);
    const plan = planSource('/etc/app', entries, remote, [], { checksum: false, sameContent: new Map(), delete: false });
    const { ops } = buildSudoOps([plan], '/tmp/.stage', '-');
    expect(ops.map((o) => o.slice(0, 3).join(' '))).toEqual(['P - /etc/app', 'R - /etc/app/conf.d', 'F /tmp/.stage/f0 /etc/app/conf.d']);
  });
});

describe('onlyRootCanChange: tar may write only where nobody but root can swap a directory for a symlink', () => {
  const d = (mode: number, uid: number) => ({ type: 'dir' as const, mode, size: 0, mtime: 1, uid, gid: 0 });
  it.each([
    ['all root-owned 0755', [['', d(0o755, 0)], ['sub', d(0o755, 0)]], true],
    ['sub still to be made (by root)', [['', d(0o755, 0)]], true],
    ['sub owned by another user', [['', d(0o755, 0)], ['sub', d(0o755, 1001)]], false],
    ['the root owned by another user', [['', d(0o755, 1001)], ['sub', d(0o755, 0)]], false],
    ['sub group-writable', [['', d(0o755, 0)], ['sub', d(0o775, 0)]], false],
    ['sub world-writable and sticky, as /tmp', [['', d(0o755, 0)], ['sub', d(0o1777, 0)]], false],
    ['sub is a symlink now', [['', d(0o755, 0)], ['sub', { type: 'symlink' as const, mode: 0o777, size: 0, mtime: 1, uid: 0, gid: 0 }]], false],
  ] as const)('%s -> %s', (_name, remoteDirs, safe) => {
    const entries = [dir(''), dir('sub'), file('sub/f')];
    const plan = planSource('/etc/app', entries, new Map(remoteDirs as never), [], { checksum: false, sameContent: new Map(), delete: false });
    const byPath = new Map(plan.items.map((i) => [i.path, i]));
    expect(onlyRootCanChange(plan, byPath.get('/etc/app/sub/f')!, byPath)).toBe(safe);
  });
  it('a file pushed as the root itself: its directory is not known, so no', () => {
    const plan = planSource('/etc/x.conf', [file('', 0o644, '/src/x.conf')], new Map(), [], { checksum: false, sameContent: new Map(), delete: false });
    expect(onlyRootCanChange(plan, plan.items[0], new Map(plan.items.map((i) => [i.path, i])))).toBe(false);
  });
});
