import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { expandEnvVars, expandTilde, expandTokens, FILE_TOKENS, makeTokenValues, PROXY_TOKENS } from '../../../src/ssh/config/tokens.js';

const values = makeTokenValues({
  hostname: 'web1.example', port: 2222, remoteUser: 'isucon', originalHost: 'web1', localUser: 'me',
  home: '/home/me', uid: 1000, localHost: 'laptop.lan', hostKeyAlias: undefined,
});

// prettier-ignore
const FILE: [string, string][] = [
  ['~/.ssh/id_%h', '~/.ssh/id_web1.example'],
  ['%r@%h:%p', 'isucon@web1.example:2222'],
  ['%n-%k', 'web1-web1'],
  ['%u %d %i', 'me /home/me 1000'],
  ['%l/%L', 'laptop.lan/laptop'],
  ['100%%', '100%'],
  ['%%h', '%h'],
  ['plain', 'plain'],
];

describe('expandTokens (IdentityFile, UserKnownHostsFile)', () => {
  it.each(FILE)('%s -> %s', (text, want) => expect(expandTokens(text, values, FILE_TOKENS, 'IdentityFile')).toBe(want));
  it('%C is sha1(%l%h%p%r) in hex', () => expect(values.C).toMatch(/^[0-9a-f]{40}$/));
  it.each(['%x', 'trailing%', '%T'])('rejects %s', (text) => expect(() => expandTokens(text, values, FILE_TOKENS, 'IdentityFile')).toThrow(UsageError));
});

// prettier-ignore
const PROXY: [string, string | null][] = [
  ['%r@%h-gw', 'isucon@web1.example-gw'],
  ['%n:%p', 'web1:2222'],
  ['%u', null],
  ['%d', null],
];

describe('expandTokens (ProxyJump)', () => {
  it.each(PROXY)('%s -> %s', (text, want) => {
    if (want === null) expect(() => expandTokens(text, values, PROXY_TOKENS, 'ProxyJump')).toThrow(UsageError);
    else expect(expandTokens(text, values, PROXY_TOKENS, 'ProxyJump')).toBe(want);
  });
});

describe('expandTokens (HostName: %h only)', () => {
  it.each([['%h.internal', 'db1.internal'], ['a%%b', 'a%b']])('%s -> %s', (t, w) => expect(expandTokens(t, { h: 'db1' }, ['h'], 'HostName')).toBe(w));
  it('rejects %p', () => expect(() => expandTokens('%p', { h: 'x' }, ['h'], 'HostName')).toThrow(UsageError));
});

// prettier-ignore
const TILDE: [string, string][] = [
  ['~', '/home/me'],
  ['~/', '/home/me/'],
  ['~/.ssh/id', '/home/me/.ssh/id'],
  ['~me/x', '/home/me/x'],
  ['~other/x', '~other/x'],
  ['/abs/~/x', '/abs/~/x'],
  ['rel', 'rel'],
];

describe('expandTilde', () => {
  it.each(TILDE)('%s -> %s', (p, want) => expect(expandTilde(p, '/home/me', 'me')).toBe(want));
});

describe('expandEnvVars', () => {
  it.each([['${A}/x', '1/x'], ['$A', '$A'], ['${A}${B}', '12']])('%s -> %s', (t, w) => expect(expandEnvVars(t, { A: '1', B: '2' }, 'IdentityFile')).toBe(w));
  it('rejects an unset variable', () => expect(() => expandEnvVars('${NOPE}', {}, 'IdentityFile')).toThrow(UsageError));
});
