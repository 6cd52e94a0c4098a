import { describe, expect, it } from 'vitest';
import { listChecks } from '../../../src/ops/push/dry-run/checks.js';
import { planSource } from '../../../src/ops/push/plan.js';
import type { LocalEntry, RemoteEntry } from '../../../src/ops/push/types.js';

const file = (rel: string, extra: Partial<LocalEntry> = {}): LocalEntry => ({ rel, localPath: `/l/${rel}`, type: 'file', mode: 0o644, size: 3, mtime: 100, ...extra });
const dir = (rel: string): LocalEntry => ({ rel, localPath: `/l/${rel}`, type: 'dir', mode: 0o755, size: 0, mtime: 100 });
const rfile = (extra: Partial<RemoteEntry> = {}): RemoteEntry => ({ type: 'file', mode: 0o644, size: 3, mtime: 100, uid: 0, gid: 0, ...extra });
const rdir = (extra: Partial<RemoteEntry> = {}): RemoteEntry => ({ type: 'dir', mode: 0o755, size: 0, mtime: 100, uid: 0, gid: 0, ...extra });

type Case = [name: string, root: string, local: LocalEntry[], remote: Record<string, RemoteEntry>, missing: string[], opts: { sudo: boolean; delete: boolean }, expected: string[]];
const plain = { sudo: false, delete: false };
const D = (p: string) => `permission denied: ${p} (try --sudo)`;
const WAY = (p: string) => `a directory is in the way of ${p} (empty it, or use --delete)`;

const cases: Case[] = [
  ['a new file: its directory must be writable', '/etc/a.conf', [file('')], {}, [], plain, [`writable /etc ${D('/etc/a.conf')}`]],
  ['a changed file: writable directory, and replaceable (sticky)', '/tmp/a', [file('', { size: 4 })], { '': rfile() }, [], plain, [`writable /tmp ${D('/tmp/a')}`, `replaceable /tmp/a ${D('/tmp/a')}`]],
  ['a mode change only: the file must be owned', '/etc/a', [file('', { mode: 0o600 })], { '': rfile() }, [], plain, [`owned /etc/a ${D('/etc/a')}`]],
  ['missing parents: the outermost one is made in an existing directory', '/etc/n/s/a', [file('')], {}, ['/etc/n', '/etc/n/s'], plain, [`writable /etc ${D('/etc/n')}`]],
  ['up to date: nothing to check', '/etc/a', [file('')], { '': rfile() }, [], plain, []],
  [
    'a tree: what is in the way and the directories, then the files, then the directories written in',
    '/srv/t',
    [dir(''), file('f', { size: 9 }), dir('sub'), file('sub/x'), file('way')],
    { '': rdir(), f: rfile(), way: rdir() },
    [],
    plain,
    [
      // sub/ comes first in tree order: the first failure in an unwritable /srv/t is its mkdir
      `writable /srv/t ${D('/srv/t/sub')}`,
      `empty /srv/t/way ${WAY('/srv/t/way')}`,
      `replaceable /srv/t/f ${D('/srv/t/f')}`,
      `owned /srv/t ${D('/srv/t')}`,
    ],
  ],
  ['--delete: a directory in the way need not be empty', '/srv/t', [dir(''), file('way')], { '': rdir(), way: rdir() }, [], { sudo: false, delete: true }, [`writable /srv/t ${D('/srv/t/way')}: ${WAY('/srv/t/way')}`, `owned /srv/t ${D('/srv/t')}`]],
  ['--sudo: only sudo and what is in the way', '/srv/t', [dir(''), file('f', { size: 9 }), file('way')], { '': rdir(), f: rfile(), way: rdir() }, [], { sudo: true, delete: false }, ['sudo  ', `empty /srv/t/way ${WAY('/srv/t/way')}`]],
];

describe('listChecks: what a dry run checks, in the real run\'s order, with its messages', () => {
  it.each(cases)('%s', (_name, root, local, remote, missing, opts, expected) => {
    const plan = planSource(root, local, new Map(Object.entries(remote)), missing, { checksum: false, sameContent: new Map(), delete: opts.delete });
    expect(listChecks([plan], opts).map((c) => `${c.kind} ${c.path} ${c.message}`)).toEqual(expected);
  });
});
