import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { loadSshConfig, parseOverrideOption, resolveHost } from '../../../src/ssh/config.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'isuops-config-errors-'));
const env = { home: dir, localUser: 'me', uid: 1000, localHost: 'l' };

// Broken configs and the lines `ssh -G -F FILE a` prints for them (the oracle, run below).
// prettier-ignore
const BROKEN: [string, string][] = [
  ['unknown keyword', 'Host a\n  Bogus 1\n'],
  ['unknown keyword outside any block', 'Bogus=1\nHost a\n'],
  ['two unknown keywords and a bad port', 'Host a\n  Bogus 1\n  Port x\nFoo bar\n'],
  ['a keyword without its argument', 'Host *\n  SendEnv LANG\n  Port\n'],
  ['unknown keyword in a block that does not apply', 'Host zzz\n  Nope yes\n'],
  ['IgnoreUnknown spares only what it names', 'IgnoreUnknown Foo*\nFooBar 1\nBaz 2\n'],
  ['a macOS-only keyword', 'Host *\n  UseKeychain yes\n'],
];

const sshWorded = (l: string): boolean => /Bad configuration option|terminating|no argument/.test(l);

async function sshLines(file: string): Promise<{ code: number; lines: string[] }> {
  const r = await execa('ssh', ['-G', '-F', file, 'a'], { reject: false });
  return { code: r.exitCode ?? -1, lines: r.stderr.replace(/\r/g, '').split('\n').filter((l) => /line \d+:|terminating/.test(l)) };
}

async function isuopsLines(file: string): Promise<string[]> {
  try {
    await loadSshConfig(file, env);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message.split('\n');
  }
  return [];
}

describe('ssh config errors are reported like ssh -G reports them', () => {
  it.each(BROKEN)('%s', async (name, text) => {
    const file = path.join(dir, name.replace(/\W+/g, '-'));
    writeFileSync(file, text);
    const ssh = await sshLines(file);
    expect(ssh.code).toBe(255);
    const ours = await isuopsLines(file);
    // the same bad lines, in order; ssh's wording for a keyword it does not know, word for word
    const at = (l: string) => /line (\d+)/.exec(l)?.[1];
    expect(ours.map(at)).toEqual(ssh.lines.map(at));
    expect(ours.filter(sshWorded)).toEqual(ssh.lines.filter(sshWorded));
  });

  it('a config ssh reads without complaint is read without complaint (ignored keywords included)', async () => {
    const file = path.join(dir, 'fine');
    writeFileSync(file, 'IgnoreUnknown UseKeychain\nHost *\n  UseKeychain yes\n  SendEnv LANG\n  ForwardAgent yes\n  ControlMaster auto\n  Compression yes\n');
    expect((await sshLines(file)).code).toBe(0);
    expect(await isuopsLines(file)).toEqual([]);
  });

  it('-o with an unknown keyword: ssh\'s own line', async () => {
    const r = await execa('ssh', ['-G', '-F', '/dev/null', '-o', 'Bogus=1', 'a'], { reject: false });
    expect(r.exitCode).toBe(255);
    expect(() => parseOverrideOption('Bogus=1')).toThrow(new UsageError(r.stderr.replace(/\r/g, '').trim()));
  });
});

// prettier-ignore
const REFUSED: [string, string, string | undefined][] = [
  ['CheckHostIP yes', 'Host *\n  CheckHostIP yes\n', 'line 2: CheckHostIP yes: isuops does not implement CheckHostIP (set CheckHostIP no)'],
  ['CheckHostIP no', 'Host *\n  CheckHostIP no\n', undefined],
  ['KnownHostsCommand', 'Host *\n  KnownHostsCommand /bin/true %H\n', 'line 2: KnownHostsCommand /bin/true %H: isuops does not implement KnownHostsCommand (set KnownHostsCommand none)'],
  ['Ciphers', 'Ciphers aes128-ctr\n', 'line 1: Ciphers aes128-ctr: isuops does not implement Ciphers (remove it from what applies to a)'],
  ['a refused keyword for another host', 'Host zzz\n  Ciphers aes128-ctr\n', undefined],
  ['the first value wins, as in ssh', 'Host a\n  CheckHostIP no\nHost *\n  CheckHostIP yes\n', undefined],
];

describe('keywords isuops does not implement', () => {
  it.each(REFUSED)('%s', async (name, text, want) => {
    const file = path.join(dir, `refused-${name.replace(/\W+/g, '-')}`);
    writeFileSync(file, text);
    const config = await loadSshConfig(file, env);
    const resolve = () => resolveHost({ host: 'a' }, config, {}, env);
    if (want === undefined) expect(resolve).not.toThrow();
    else expect(resolve).toThrow(new UsageError(`${file} ${want}`));
  });

  it('-o CheckHostIP=yes is refused too', () => {
    expect(() => resolveHost({ host: 'a' }, { lines: [] }, { options: ['CheckHostIP=yes'] }, env)).toThrow(
      new UsageError('command-line: CheckHostIP yes: isuops does not implement CheckHostIP (set CheckHostIP no)'),
    );
  });
});
