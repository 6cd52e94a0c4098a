import { describe, expect, it } from 'vitest';
import { remotePathOf, remoteRootFor, rootNeedsDestType } from '../../../src/ops/push/remote-target.js';
import type { PushSource } from '../../../src/ops/push/types.js';

const src = (localRoot: string, contentsOnly = false): PushSource => ({ arg: localRoot, localRoot, contentsOnly, entries: [] });

describe('remoteRootFor', () => {
  it('no --dest: same absolute path', () => expect(remoteRootFor(src('/etc/a.conf'), undefined, false, '/home/u')).toBe('/etc/a.conf'));
  it('--dest FILE (not a dir): renamed', () => expect(remoteRootFor(src('/x/a.conf'), '/etc/b.conf', false, '/home/u')).toBe('/etc/b.conf'));
  it('--dest DIR/ : under it', () => expect(remoteRootFor(src('/x/a.conf'), '/etc/', false, '/home/u')).toBe('/etc/a.conf'));
  it('--dest existing dir without slash: under it', () => expect(remoteRootFor(src('/x/a.conf'), '/etc', true, '/home/u')).toBe('/etc/a.conf'));
  it('--dest with a dir/ source: its contents', () => expect(remoteRootFor(src('/x/tree', true), '/srv/app/', true, '/home/u')).toBe('/srv/app'));
  it('--dest relative: under the remote home', () => expect(remoteRootFor(src('/x/a.conf'), 'conf/', false, '/home/u')).toBe('/home/u/conf/a.conf'));
});

describe('remotePathOf', () => {
  // prettier-ignore
  it.each<[string, string, string]>([
    ['/srv/app', '', '/srv/app'],
    ['/srv/app', 'a.conf', '/srv/app/a.conf'],
    ['/srv/app', 'sub/b c', '/srv/app/sub/b c'],
    ['/', 'etc/x', '/etc/x'],
    ['/', '', '/'],
  ])('%s + %s = %s', (root, rel, expected) => expect(remotePathOf(root, rel)).toBe(expected));
});

describe('rootNeedsDestType: push asks the host whether REMOTE is a directory only when the root depends on it', () => {
  // prettier-ignore
  it.each<[string, PushSource, string | undefined, boolean]>([
    ['no --dest', src('/x/a.conf'), undefined, false],
    ['a file to REMOTE', src('/x/a.conf'), '/etc/b.conf', true],
    ['a file to REMOTE/', src('/x/a.conf'), '/etc/', false],
    ['a directory to REMOTE', src('/x/tree'), '/srv/app', true],
    ['dir/ to REMOTE', src('/x/tree', true), '/srv/app', false],
    ['dir/ to a relative REMOTE', src('/x/tree', true), 'app', false],
  ])('%s', (_name, source, dest, needs) => {
    expect(rootNeedsDestType(source, dest)).toBe(needs);
    // where it is not asked, either answer gives the same root
    if (!needs) expect(remoteRootFor(source, dest, true, '/home/u')).toBe(remoteRootFor(source, dest, false, '/home/u'));
    else expect(remoteRootFor(source, dest, true, '/home/u')).not.toBe(remoteRootFor(source, dest, false, '/home/u'));
  });
});
