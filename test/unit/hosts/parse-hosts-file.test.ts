import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { parseHostsFile } from '../../../src/hosts/parse-hosts-file.js';

/** name[group,...] for each entry, to keep one case on one line. */
function summarize(text: string): string[] {
  return parseHostsFile(text, 'hosts.txt').entries.map((e) => (e.groups.length ? `${e.name}[${e.groups.join(',')}]` : e.name));
}

describe('parseHostsFile', () => {
  it.each([
    ['isu1\nisu2\n', ['isu1', 'isu2']],
    ['isu1 isu2\tisu3', ['isu1', 'isu2', 'isu3']],
    ['isu1,isu2', ['isu1', 'isu2']],
    ['isu1\r\nisu2\r\n', ['isu1', 'isu2']],
    ['# fleet\n\n   \nisu1 # the db\n#isu2\n', ['isu1']],
    ['isu[1-3]\nweb{a,b}', ['isu1', 'isu2', 'isu3', 'weba', 'webb']],
    ['root@isu1:2222 [::1]:22 [::1] ::1', ['root@isu1:2222', '[::1]:22', '[::1]', '::1']],
    ['lb\n[web]\nisu1 isu2\n[db]\nisu3', ['lb', 'isu1[web]', 'isu2[web]', 'isu3[db]']],
    ['[ web ]\nisu1', ['isu1[web]']],
    ['[web] # front\nisu1', ['isu1[web]']],
    ['[web]\n[db]\nisu1', ['isu1[db]']],
    ['[web]\nisu1\n[db]\nisu1', ['isu1[web]', 'isu1[db]']],
    ['[::1]\n[fe80::1]:22', ['[::1]', '[fe80::1]:22']],
    ['[10.0.0.1]', ['[10.0.0.1]']],
    ['ISUIPS="isu1 isu2 isu3"', ['isu1', 'isu2', 'isu3']],
    ["ISUIPS='isu1 isu2'", ['isu1', 'isu2']],
    ['ISUIPS=isu1', ['isu1']],
    ['export ISUIPS="isu1 isu2"', ['isu1', 'isu2']],
    ['export HOSTS=(isu1 isu2)', ['isu1', 'isu2']],
    ['HOSTS=("isu1" "isu2");', ['isu1', 'isu2']],
    ['declare -a HOSTS=(isu1 isu2)', ['isu1', 'isu2']],
    ['HOSTS+=(isu3)', ['isu3']],
    ['HOSTS=(\n  isu1 # first\n  isu2\n)\nexport HOSTS', ['isu1', 'isu2']],
    ['ISUIPS="isu1\nisu2"\nisu3', ['isu1', 'isu2', 'isu3']],
    ['HOSTS=(isu1\nisu2)', ['isu1', 'isu2']],
    ['[web]\nHOSTS=(isu[1-2])', ['isu1[web]', 'isu2[web]']],
  ])('%j -> %j', (text, expected) => {
    expect(summarize(text)).toEqual(expected);
  });

  it.each([
    ['isu1\nisu[05-01]', 'hosts.txt:2: bad host range "isu[05-01]": 05-01 counts down (write the lower number first)'],
    ['isu1\n\n  isu[1-3 # oops', 'hosts.txt:3: bad host list "isu[1-3": "[" is never closed'],
    ['isu1:0', 'hosts.txt:1: bad host "isu1:0": port "0" is not a number from 1 to 65535'],
    ['# c\n[web team]', 'hosts.txt:2: bad group header "[web team]": a group name is letters, digits, "_" and "-"'],
    ['[]', 'hosts.txt:1: bad group header "[]": a group name is letters, digits, "_" and "-"'],
    ['@isu1', 'hosts.txt:1: bad host "@isu1": empty user before "@"'],
    ['x\nHOSTS=(isu1\nisu2', 'hosts.txt:2: "(" opened here is never closed'],
    ['ISUIPS="isu1', 'hosts.txt:1: """ opened here is never closed'],
    ['HOSTS=(isu1) && echo', 'hosts.txt:1: unexpected "&& echo" after the closing )'],
    ['HOSTS=(\nisu1\n) x', 'hosts.txt:3: unexpected "x" after the closing )'],
    ['isu1\nx$(id>/tmp/f)', 'hosts.txt:2: bad host "x$(id>/tmp/f)": invalid host name ("$" is not allowed)'],
    ['$(id)@isu1', 'hosts.txt:1: bad host "$(id)@isu1": invalid user name ("(" is not allowed)'],
    ['foo:bar:baz', 'hosts.txt:1: bad host "foo:bar:baz": invalid host name (it has several ":" but is not an IPv6 address (write host:port, or [IPv6]:port))'],
    ['-rf', 'hosts.txt:1: bad host "-rf": invalid host name (it starts with "-")'],
    ['/', 'hosts.txt:1: bad host "/": invalid host name ("/" is not allowed)'],
    ['isu\u0001x', 'hosts.txt:1: bad host "isu\u0001x": invalid host name (control characters are not allowed)'],
    ['isu\ufffdx', 'hosts.txt:1: bad host "isu\ufffdx": invalid host name (it holds bytes that are not UTF-8)'],
    ['isu01 ansible_host=10.0.0.1 ansible_user=isucon', 'hosts.txt:1: "ansible_host=10.0.0.1" looks like an inventory variable: a hosts file lists [user@]host[:port] only; put the address and user in the ssh config (Host isu01 / HostName 10.0.0.1 / User isucon) or write isucon@10.0.0.1'],
  ])('%j throws %j', (text, message) => {
    expect(() => parseHostsFile(text, 'hosts.txt')).toThrow(new UsageError(message));
  });

  it('names the file as given in the message', () => {
    expect(() => parseHostsFile('a:x', 'conf/isu.hosts')).toThrow(/^conf\/isu\.hosts:1: /);
  });

  it('lists declared groups, also empty ones', () => {
    expect(parseHostsFile('[web]\nisu1\n[spare]\n[web]\nisu2', 'h').groups).toEqual(['web', 'spare']);
  });

  it('reads the fixture with users, ports, IPv6, groups and a pasted assignment', () => {
    const text = readFileSync(new URL('../../fixtures/hosts/mixed.txt', import.meta.url), 'utf8');
    expect(parseHostsFile(text, 'mixed.txt').entries).toEqual([
      { name: 'bastion', host: 'bastion', groups: [] },
      { name: 'isu1', host: 'isu1', groups: [] },
      { name: 'isu2', host: 'isu2', groups: [] },
      { name: 'isucon@isu01', host: 'isu01', user: 'isucon', groups: ['web'] },
      { name: 'isucon@isu02', host: 'isu02', user: 'isucon', groups: ['web'] },
      { name: 'root@[::1]:2222', host: '::1', user: 'root', port: 2222, groups: ['db'] },
      { name: 'db2:2200', host: 'db2', port: 2200, groups: ['db'] },
    ]);
  });

  it('reads hosts.example.txt at the repo root', () => {
    const text = readFileSync(new URL('../../../hosts.example.txt', import.meta.url), 'utf8');
    expect(summarize(text)).toEqual(['isu1', 'isu2', 'isu3', 'isu4[app]', 'isu5[app]', 'isucon@10.0.0.10:2222[db]', 'bench[bench]']);
  });
});
