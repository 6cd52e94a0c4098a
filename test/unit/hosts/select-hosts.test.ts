import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { selectHosts, type SelectHostsOptions } from '../../../src/hosts/select-hosts.js';

// made at load time: the case tables below name paths inside it
const dir = mkdtempSync(path.join(tmpdir(), 'isuops-hosts-'));
// a cwd with ./hosts.txt, and one without
const withDefault = path.join(dir, 'with-default');
const empty = path.join(dir, 'empty');

beforeAll(() => {
  mkdirSync(withDefault);
  mkdirSync(empty);
  mkdirSync(path.join(dir, 'a-directory'));
  writeFileSync(path.join(withDefault, 'hosts.txt'), 'default1 default2\n');
  writeFileSync(path.join(dir, 'fleet.txt'), 'lb\n[web]\nisu[1-3]\n[db]\nroot@isu3:2222 isu4\n[spare]\n');
  writeFileSync(path.join(dir, 'more.txt'), '[web]\nisu5 isu1\n[batch]\nisu2\n');
  writeFileSync(path.join(dir, 'env.txt'), 'fromenv\n');
  writeFileSync(path.join(dir, 'comments.txt'), '# nothing yet\n');
  writeFileSync(path.join(dir, 'bad.txt'), 'isu1\nisu[3-1]\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** name[group,...] per host, so that one case is one line. */
async function names(opts: SelectHostsOptions): Promise<string[]> {
  const hosts = await selectHosts({ env: {}, cwd: dir, ...opts });
  return hosts.map((h) => (h.groups.length ? `${h.name}[${h.groups.join(',')}]` : h.name));
}

describe('selectHosts', () => {
  it.each<[string, SelectHostsOptions, string[]]>([
    ['-f file, order as written', { files: ['fleet.txt'] }, ['lb', 'isu1[web]', 'isu2[web]', 'isu3[web]', 'root@isu3:2222[db]', 'isu4[db]']],
    ['-f absolute path', { files: [path.join(dir, 'env.txt')], cwd: empty }, ['fromenv']],
    ['-f relative to cwd', { files: ['../env.txt'], cwd: empty }, ['fromenv']],
    ['-H list', { hostLists: ['isu[1-2],db'] }, ['isu1', 'isu2', 'db']],
    ['-H repeated', { hostLists: ['b', 'a'] }, ['b', 'a']],
    ['files first in -f order, then -H', { hostLists: ['h1'], files: ['env.txt', 'more.txt'] }, ['fromenv', 'isu5[web]', 'isu1[web]', 'isu2[batch]', 'h1']],
    ['duplicates keep the first and merge groups', { files: ['fleet.txt', 'more.txt'], hostLists: ['lb,isu1'] }, ['lb', 'isu1[web]', 'isu2[web,batch]', 'isu3[web]', 'root@isu3:2222[db]', 'isu4[db]', 'isu5[web]']],
    ['duplicates within -H', { hostLists: ['isu[1-2] isu{2,1}'] }, ['isu1', 'isu2']],
    ['-g one group', { files: ['fleet.txt'], groups: ['db'] }, ['root@isu3:2222[db]', 'isu4[db]']],
    ['-g repeated', { files: ['fleet.txt'], groups: ['db', 'web'] }, ['isu1[web]', 'isu2[web]', 'isu3[web]', 'root@isu3:2222[db]', 'isu4[db]']],
    ['-g comma list', { files: ['fleet.txt', 'more.txt'], groups: ['batch,db'] }, ['isu2[web,batch]', 'root@isu3:2222[db]', 'isu4[db]']],
    ['-x by name', { files: ['fleet.txt'], excludes: ['lb'] }, ['isu1[web]', 'isu2[web]', 'isu3[web]', 'root@isu3:2222[db]', 'isu4[db]']],
    ['-x host part drops user@host:port too', { files: ['fleet.txt'], excludes: ['isu3'] }, ['lb', 'isu1[web]', 'isu2[web]', 'isu4[db]']],
    ['-x exact name leaves the other form', { files: ['fleet.txt'], excludes: ['root@isu3:2222'] }, ['lb', 'isu1[web]', 'isu2[web]', 'isu3[web]', 'isu4[db]']],
    ['-x range', { files: ['fleet.txt'], excludes: ['isu[1-3]'] }, ['lb', 'isu4[db]']],
    ['-x repeated, unknown hosts ignored', { files: ['fleet.txt'], excludes: ['lb', 'isu{1,9}'] }, ['isu2[web]', 'isu3[web]', 'root@isu3:2222[db]', 'isu4[db]']],
    ['-g then -x', { files: ['fleet.txt'], groups: ['web'], excludes: ['isu2'] }, ['isu1[web]', 'isu3[web]']],
    ['-x on -H IPv6 host part', { hostLists: ['[::1]:22 isu1'], excludes: ['::1'] }, ['isu1']],
    ['default: $ISUOPS_HOSTS', { env: { ISUOPS_HOSTS: path.join(dir, 'env.txt') }, cwd: withDefault }, ['fromenv']],
    ['default: relative $ISUOPS_HOSTS from cwd', { env: { ISUOPS_HOSTS: 'env.txt' } }, ['fromenv']],
    ['default: ./hosts.txt', { cwd: withDefault }, ['default1', 'default2']],
    ['default: empty $ISUOPS_HOSTS is unset', { env: { ISUOPS_HOSTS: '' }, cwd: withDefault }, ['default1', 'default2']],
    ['-f wins over $ISUOPS_HOSTS and ./hosts.txt', { files: [path.join(dir, 'env.txt')], env: { ISUOPS_HOSTS: 'x' }, cwd: withDefault }, ['fromenv']],
    ['-H wins over ./hosts.txt', { hostLists: ['h'], cwd: withDefault }, ['h']],
  ])('%s', async (_, opts, expected) => {
    expect(await names(opts)).toEqual(expected);
  });

  it.each<[string, SelectHostsOptions, string]>([
    ['nothing given, nothing found', { cwd: empty }, 'no hosts given: pass -f FILE or -H HOST, set ISUOPS_HOSTS, or create ./hosts.txt'],
    ['missing -f file', { files: ['fleet.txt', 'nope.txt'] }, 'cannot read hosts file nope.txt: no such file'],
    ['-f directory', { files: ['a-directory'] }, 'cannot read hosts file a-directory: is a directory'],
    ['missing $ISUOPS_HOSTS file', { env: { ISUOPS_HOSTS: 'gone.txt' }, cwd: withDefault }, 'cannot read hosts file gone.txt (from ISUOPS_HOSTS): no such file'],
    ['bad line', { files: ['bad.txt'] }, 'bad.txt:2: bad host range "isu[3-1]": 3-1 counts down (write the lower number first)'],
    ['bad -H', { hostLists: ['isu[1-'] }, '-H: bad host list "isu[1-": "[" is never closed'],
    ['-H with a shell substitution', { hostLists: ['x$(id>/tmp/f)'] }, '-H: bad host "x$(id>/tmp/f)": invalid host name ("$" is not allowed)'],
    ['-H with an option-like name', { hostLists: ['-rf'] }, '-H: bad host "-rf": invalid host name (it starts with "-")'],
    ['-H with a substituted user', { hostLists: ['$(id)@isu01'] }, '-H: bad host "$(id)@isu01": invalid user name ("(" is not allowed)'],
    ['bad -x', { hostLists: ['a'], excludes: ['isu[a-b]'] }, 'bad host range "isu[a-b]": "a-b" is not a number or a range like 1-5 or 01-05'],
    ['unknown group', { files: ['fleet.txt'], groups: ['web', 'cache'] }, 'unknown group "cache" (known groups: web, db, spare)'],
    ['group with no groups defined', { hostLists: ['a'], groups: ['web'] }, 'unknown group "web" (the hosts files define no groups)'],
    ['empty declared group', { files: ['fleet.txt'], groups: ['spare'] }, 'no hosts left after -g/-x'],
    ['all excluded', { hostLists: ['isu[1-2]'], excludes: ['isu1,isu2'] }, 'no hosts left after -g/-x'],
    ['file with only comments', { files: ['comments.txt'] }, 'no hosts found in comments.txt'],
    ['empty -H', { hostLists: [' , '] }, 'no hosts found in -H " , "'],
  ])('%s', async (_, opts, message) => {
    await expect(selectHosts({ env: {}, cwd: dir, ...opts })).rejects.toThrow(new UsageError(message));
  });

  it('rejects with UsageError (exit 2), not a plain Error', async () => {
    await expect(selectHosts({ env: {}, cwd: dir, files: ['nope.txt'] })).rejects.toBeInstanceOf(UsageError);
  });

  it('returns full entries with user, port and groups', async () => {
    const hosts = await selectHosts({ env: {}, cwd: dir, files: ['fleet.txt'], groups: ['db'] });
    expect(hosts).toEqual([
      { name: 'root@isu3:2222', host: 'isu3', user: 'root', port: 2222, groups: ['db'] },
      { name: 'isu4', host: 'isu4', groups: ['db'] },
    ]);
  });
});
