import { describe, expect, it } from 'vitest';
import { hostEntryProblem, sshHostnameProblem, sshUserProblem } from '../../../src/ssh/names.js';

// ssh_valid_hostname() of OpenSSH's readconf.c, case by case (undefined: ssh takes it)
// prettier-ignore
const HOSTS: [string, string | undefined][] = [
  ['isu01', undefined],
  ['10.0.0.1', undefined],
  ['fe80::1%eth0', undefined],
  ['a_b.example', undefined],
  ['x$(id)', '"$" is not allowed'],
  ['x`id`', '"`" is not allowed'],
  ["x'y", `"'" is not allowed`],
  ['a;b', '";" is not allowed'],
  ['a&b', '"&" is not allowed'],
  ['a|b', '"|" is not allowed'],
  ['a>b', '">" is not allowed'],
  ['a\\b', '"\\" is not allowed'],
  ['a,b', '"," is not allowed'],
  ['a b', 'whitespace is not allowed'],
  ['a\tb', 'whitespace is not allowed'],
  ['a\nb', 'whitespace is not allowed'],
  ['a\u0007b', 'control characters are not allowed'],
  ['-oProxyCommand=x', 'it starts with "-"'],
];

// prettier-ignore
const USERS: [string, string | undefined][] = [
  ['isucon', undefined],
  ['user.name-x', undefined],
  ['dom\\user', undefined],
  ['a$b', undefined],
  ['a b', undefined],
  ['', 'it is empty'],
  ['-l', 'it starts with "-"'],
  ['a -oX', '"-" after whitespace is not allowed'],
  ['user\\', 'a trailing "\\" is not allowed'],
  ['$(id)', '"(" is not allowed'],
  ['`id`', '"`" is not allowed'],
  ['a;b', '";" is not allowed'],
  ['a"b', `'"' is not allowed`],
  ['a\u0001', 'control characters are not allowed'],
];

// isuops's hosts lists: ssh's rule plus what no host name holds
// prettier-ignore
const ENTRIES: [string, string | undefined][] = [
  ['isu01', undefined],
  ['::1', undefined],
  ['2001:db8::1', undefined],
  ['fe80::1%eth0', undefined],
  ['foo:bar:baz', 'it has several ":" but is not an IPv6 address (write host:port, or [IPv6]:port)'],
  ['/', '"/" is not allowed'],
  ['a/b', '"/" is not allowed'],
  ['a=b', '"=" is not allowed'],
  ['50%', '"%" is not allowed'],
  ['-rf', 'it starts with "-"'],
  ['x$(id)', '"$" is not allowed'],
  ['a\ufffdb', 'it holds bytes that are not UTF-8'],
  ['a\u0085b', 'control characters are not allowed'],
];

describe('sshHostnameProblem (ssh_valid_hostname)', () => {
  it.each(HOSTS)('%j', (host, want) => expect(sshHostnameProblem(host)).toBe(want));
});

describe('sshUserProblem (ssh_valid_ruser)', () => {
  it.each(USERS)('%j', (user, want) => expect(sshUserProblem(user)).toBe(want));
});

describe('hostEntryProblem', () => {
  it.each(ENTRIES)('%j', (host, want) => expect(hostEntryProblem(host)).toBe(want));
});
