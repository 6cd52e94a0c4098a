import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { loadSshConfig, parseOverrideOption, resolveHost } from '../../../src/ssh/config.js';
import { matchHostLine, matchPatternList } from '../../../src/ssh/config/pattern.js';
import { parseTimeValue } from '../../../src/ssh/config/values.js';

let home = '';
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'isuops-cfg-'));
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('loadSshConfig', () => {
  it('is empty without -F when ~/.ssh/config is missing', async () => {
    expect(await loadSshConfig(undefined, { home })).toEqual({ lines: [] });
  });
  it('refuses a missing -F file', async () => {
    await expect(loadSshConfig(join(home, 'nope'), { home })).rejects.toThrow(new UsageError(`ssh config ${join(home, 'nope')}: no such file`));
  });
  it('reads ~/.ssh/config by default, Include relative to ~/.ssh', async () => {
    await mkdir(join(home, '.ssh', 'conf.d'), { recursive: true });
    await writeFile(join(home, '.ssh', 'config'), 'Include conf.d/*\nHost *\n  User dflt\n');
    await writeFile(join(home, '.ssh', 'conf.d', 'a'), 'Host a\n  User from-a\n');
    const cfg = await loadSshConfig(undefined, { home });
    const env = { home, localUser: 'me' };
    expect(resolveHost({ host: 'a' }, cfg, {}, env).user).toBe('from-a');
    expect(resolveHost({ host: 'b' }, cfg, {}, env).user).toBe('dflt');
  });
  it('ignores a Match exec block (not supported)', async () => {
    const file = join(home, 'exec.conf');
    await writeFile(file, 'Match exec "true"\n  User ran\n');
    expect(resolveHost({ host: 'x' }, await loadSshConfig(file, { home }), {}, { home, localUser: 'me' }).user).toBe('me');
  });
});

// prettier-ignore
const LIST: [string, string, boolean, 1 | 0 | -1][] = [
  ['web1', 'web*', false, 1],
  ['web1', 'db*,web?', false, 1],
  ['web1', 'web*,!web1', false, -1],
  ['web1', '!db*', false, 0],
  ['WEB1', 'web1', true, 1],
  ['WEB1', 'web1', false, 0],
  ['a.b', 'a?b', false, 1],
  ['ab', 'a?b', false, 0],
];

describe('matchPatternList', () => {
  it.each(LIST)('%s ~ %s (lower %s) -> %s', (text, list, lower, want) => expect(matchPatternList(text, list, lower)).toBe(want));
});

// prettier-ignore
const HOSTLINE: [string, string[], boolean][] = [
  ['isu1', ['isu?', '!isu9'], true],
  ['isu9', ['isu?', '!isu9'], false],
  ['x', ['!y'], false],
  ['a', ['a,b'], false],
  ['FOO', ['foo'], false],
];

describe('matchHostLine', () => {
  it.each(HOSTLINE)('%s ~ %j -> %s', (host, pats, want) => expect(matchHostLine(host, pats)).toBe(want));
});

// prettier-ignore
const TIMES: [string, number | null][] = [['0', 0], ['30', 30], ['10s', 10], ['1m30s', 90], ['2H', 7200], ['1w', 604800], ['soon', null], ['', null], ['5x', null]];

describe('parseTimeValue', () => {
  it.each(TIMES)('%s -> %s', (t, want) => {
    if (want === null) expect(() => parseTimeValue(t, 'ConnectTimeout')).toThrow(UsageError);
    else expect(parseTimeValue(t, 'ConnectTimeout')).toBe(want);
  });
});

// prettier-ignore
const OPTS: [string, { key: string; args: string[] } | null][] = [
  ['User=x', { key: 'user', args: ['x'] }],
  ['Port 2222', { key: 'port', args: ['2222'] }],
  ['UserKnownHostsFile=/a /b', { key: 'userknownhostsfile', args: ['/a', '/b'] }],
  ['IdentityFile="/a b"', { key: 'identityfile', args: ['/a b'] }],
  ['Port=0', null],
  ['Host=x', null],
  ['', null],
];

describe('parseOverrideOption (-o)', () => {
  it.each(OPTS)('%j', (text, want) => {
    if (want === null) expect(() => parseOverrideOption(text)).toThrow(UsageError);
    else expect(parseOverrideOption(text)).toEqual(want);
  });
});

describe('resolveHost defaults', () => {
  it('marks default identity files and uses accept-new', () => {
    const r = resolveHost({ host: 'h' }, { lines: [] }, {}, { home: '/home/me', localUser: 'me', uid: 1000, localHost: 'l' });
    expect(r).toMatchObject({
      name: 'h', alias: 'h', hostname: 'h', user: 'me', port: 22, identityFilesDefault: true,
      identityFiles: ['/home/me/.ssh/id_ed25519', '/home/me/.ssh/id_ecdsa', '/home/me/.ssh/id_rsa'],
      userKnownHostsFiles: ['/home/me/.ssh/known_hosts', '/home/me/.ssh/known_hosts2'],
      globalKnownHostsFiles: ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'],
      strictHostKeyChecking: 'accept-new', serverAliveInterval: 0, serverAliveCountMax: 3, proxyJump: [],
    });
    expect(r.connectTimeout).toBeUndefined();
  });
  it('keeps the written name as the label', () => {
    expect(resolveHost({ host: 'h', name: 'u@h:2' }, { lines: [] }, {}, { home: '/h', localUser: 'me' }).name).toBe('u@h:2');
  });
  it('lets the hosts-file user@host:port win over -l/--port (isuops, not ssh)', () => {
    const r = resolveHost({ host: 'h', user: 'tu', port: 2 }, { lines: [] }, { user: 'lu', port: 3 }, { home: '/h', localUser: 'me' });
    expect([r.user, r.port]).toEqual(['tu', 2]);
  });
});
