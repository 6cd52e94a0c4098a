import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintSha256, parseKeyBlob, preferKnownHostKeyAlgorithms, verifyHostKey } from '../../../src/ssh/host-key.js';
import type { StrictMode } from '../../../src/ssh/types.js';
import { fillKeys, makeKeys, makeTempDir, runSshKeygen, type KeyName, type TestKey } from '../../fixtures/known-hosts/make-keys.js';

let tmp: ReturnType<typeof makeTempDir>;
let keys: Record<KeyName, TestKey>;
let counter = 0;
beforeAll(() => {
  tmp = makeTempDir();
  keys = makeKeys(tmp.dir);
});
afterAll(() => tmp.cleanup());

/** A fresh directory per test so appends never leak between cases. */
function freshDir(): string {
  const dir = join(tmp.dir, `case-${++counter}`);
  mkdirSync(dir);
  return dir;
}

/** `ssh-keygen -l -E sha256` output's fingerprint field. */
function oracleFingerprint(pubPath: string): string {
  return runSshKeygen(['-l', '-E', 'sha256', '-f', pubPath]).stdout.split(' ')[1]!;
}

/** Line numbers `ssh-keygen -F name` reports in a file. */
function oracleFind(file: string, name: string): number[] {
  return [...runSshKeygen(['-F', name, '-f', file]).stdout.matchAll(/^# Host .* found: line (\d+)/gm)].map((m) => Number(m[1]));
}

describe('fingerprintSha256 agrees with ssh-keygen -l -E sha256', () => {
  it.each<[KeyName]>([['ed25519'], ['ecdsa'], ['rsa']])('%s', (name) => {
    expect(fingerprintSha256(keys[name].data)).toBe(oracleFingerprint(keys[name].pubPath));
  });
});

describe('parseKeyBlob', () => {
  it.each<[KeyName]>([['ed25519'], ['ecdsa'], ['rsa']])('reads the type of a %s blob', (name) => {
    expect(parseKeyBlob(keys[name].data)).toEqual({ type: keys[name].type, data: keys[name].data });
  });
  it.each<[string, Buffer]>([
    ['empty', Buffer.alloc(0)],
    ['short length', Buffer.from([0, 0, 0])],
    ['length past the end', Buffer.from([0, 0, 0, 11, 0x73, 0x73, 0x68])],
    ['zero-length type', Buffer.from([0, 0, 0, 0])],
    ['unprintable type', Buffer.from([0, 0, 0, 2, 0x01, 0x02])],
  ])('rejects %s', (_label, blob) => {
    expect(() => parseKeyBlob(blob)).toThrow(/not an SSH public key blob/);
  });
});

describe('verifyHostKey: StrictHostKeyChecking x what known_hosts says', () => {
  // known_hosts holds isu01 = ed25519 and a revoked rsa; the server sends `sent` for `name`.
  const known = 'isu01 {ed25519}\n@revoked * {rsa}\n';
  it.each<[StrictMode, string, string, KeyName, boolean, string | undefined, boolean | undefined]>([
    ['yes', 'match', 'isu01', 'ed25519', true, undefined, undefined],
    ['accept-new', 'match', 'isu01', 'ed25519', true, undefined, undefined],
    ['no', 'match', 'isu01', 'ed25519', true, undefined, undefined],
    ['yes', 'changed', 'isu01', 'ed25519b', false, 'changed', undefined],
    ['accept-new', 'changed', 'isu01', 'ed25519b', false, 'changed', undefined],
    ['no', 'changed', 'isu01', 'ed25519b', false, 'changed', undefined],
    ['yes', 'revoked', 'isu02', 'rsa', false, 'revoked', undefined],
    ['accept-new', 'revoked', 'isu02', 'rsa', false, 'revoked', undefined],
    ['no', 'revoked', 'isu02', 'rsa', false, 'revoked', undefined],
    ['yes', 'unknown', 'isu02', 'ed25519', false, 'unknown', undefined],
    ['accept-new', 'unknown', 'isu02', 'ed25519', true, undefined, true],
    ['no', 'unknown', 'isu02', 'ed25519', true, undefined, true],
  ])('%s / %s', async (strict, _status, name, sent, ok, reason, added) => {
    const file = join(freshDir(), 'known_hosts');
    writeFileSync(file, fillKeys(known, keys));
    const result = await verifyHostKey({ files: [file], names: [name], key: keys[sent], strict, appendTo: file, hostToken: name });
    expect(result.ok).toBe(ok);
    expect(result.ok ? undefined : result.reason).toBe(reason);
    expect(result.ok ? result.added : undefined).toBe(added);
    // Refused or already known: the file is untouched.
    if (!added) expect(readFileSync(file, 'utf8')).toBe(fillKeys(known, keys));
  });
});

describe('verifyHostKey: messages', () => {
  it('changed: host, file:line, old and new SHA256 fingerprints, and a working ssh-keygen -R', async () => {
    const file = join(freshDir(), 'known_hosts');
    writeFileSync(file, fillKeys('# first\nisu09 {ecdsa}\n[isu01]:2222 {ed25519}\n', keys));
    const result = await verifyHostKey({ files: [file], names: ['[isu01]:2222'], key: keys.ed25519b, strict: 'accept-new', appendTo: file, hostToken: '[isu01]:2222' });
    if (result.ok) throw new Error('expected a refusal');
    expect(result.message).not.toContain('\n');
    expect(result.message).toContain('host key for [isu01]:2222 has changed');
    expect(result.message).toContain(`${file}:3 has ssh-ed25519 ${oracleFingerprint(keys.ed25519.pubPath)}`);
    expect(result.message).toContain(`server sent ssh-ed25519 ${oracleFingerprint(keys.ed25519b.pubPath)}`);
    // The advice must work as pasted: afterwards the new key is accepted as new.
    const advice = /(ssh-keygen -R .*)$/.exec(result.message)![1]!;
    execFileSync('sh', ['-c', `${advice} 2>/dev/null`]);
    expect(oracleFind(file, '[isu01]:2222')).toEqual([]);
    expect(oracleFind(file, 'isu09')).toEqual([2]);
    expect(await verifyHostKey({ files: [file], names: ['[isu01]:2222'], key: keys.ed25519b, strict: 'accept-new', appendTo: file, hostToken: '[isu01]:2222' }))
      .toEqual({ ok: true, added: true });
  });
  it('revoked: names the @revoked line and the fingerprint', async () => {
    const file = join(freshDir(), 'known_hosts');
    writeFileSync(file, fillKeys('@revoked * {rsa}\n', keys));
    const result = await verifyHostKey({ files: [file], names: ['isu01'], key: keys.rsa, strict: 'no', hostToken: 'isu01' });
    expect(result).toMatchObject({ ok: false, reason: 'revoked' });
    expect(!result.ok && result.message).toContain(`${file}:1`);
    expect(!result.ok && result.message).toContain(oracleFingerprint(keys.rsa.pubPath));
  });
  it('unknown under yes: says where it looked and what to do', async () => {
    const missing = join(freshDir(), 'nope', 'known_hosts');
    const result = await verifyHostKey({ files: [missing], names: ['isu01'], key: keys.ecdsa, strict: 'yes', appendTo: missing, hostToken: 'isu01' });
    expect(result).toMatchObject({ ok: false, reason: 'unknown' });
    expect(!result.ok && result.message).toContain(missing);
    expect(!result.ok && result.message).toContain(oracleFingerprint(keys.ecdsa.pubPath));
    expect(!result.ok && result.message).toContain('StrictHostKeyChecking=accept-new');
  });
});

describe('verifyHostKey: appending new hosts', () => {
  it.each<[string, string, boolean, string[]]>([
    ['plain host', 'isu01', false, ['isu01']],
    ['host on a port', '[isu01]:2222', false, ['[isu01]:2222']],
    ['host and ip', 'isu01,10.0.0.1', false, ['isu01', '10.0.0.1']],
    ['hashed host', 'isu01', true, ['isu01']],
    ['hashed port', '[isu01]:2222', true, ['[isu01]:2222']],
    ['hashed host and ip: one line each', 'isu01,10.0.0.1', true, ['isu01', '10.0.0.1']],
  ])('%s: ssh-keygen -F finds what was written', async (_label, hostToken, hash, findNames) => {
    const file = join(freshDir(), '.ssh', 'known_hosts');
    const names = [hostToken.split(',')[0]!];
    const opts = { files: [file], names, key: keys.ed25519, strict: 'accept-new' as const, appendTo: file, hostToken, hash };
    expect(await verifyHostKey(opts)).toEqual({ ok: true, added: true });
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('|1|')).toBe(hash);
    findNames.forEach((name) => expect(oracleFind(file, name)).toHaveLength(1));
    // Known now: a second check neither asks nor writes.
    expect(await verifyHostKey(opts)).toEqual({ ok: true });
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('creates the directory 0700 and the file 0600', async () => {
    const dir = join(freshDir(), '.ssh');
    const file = join(dir, 'known_hosts');
    await verifyHostKey({ files: [file], names: ['isu01'], key: keys.ed25519, strict: 'accept-new', appendTo: file, hostToken: 'isu01' });
    expect([statSync(dir).mode & 0o777, statSync(file).mode & 0o777]).toEqual([0o700, 0o600]);
  });

  it('adds a newline first when the file lacks one', async () => {
    const file = join(freshDir(), 'known_hosts');
    writeFileSync(file, fillKeys('isu09 {ecdsa}', keys));
    await verifyHostKey({ files: [file], names: ['isu01'], key: keys.ed25519, strict: 'accept-new', appendTo: file, hostToken: 'isu01' });
    expect(oracleFind(file, 'isu09')).toEqual([1]);
    expect(oracleFind(file, 'isu01')).toEqual([2]);
  });

  it('a global file that knows the host prevents the append', async () => {
    const dir = freshDir();
    const user = join(dir, 'known_hosts');
    const global = join(dir, 'ssh_known_hosts');
    writeFileSync(global, fillKeys('isu01 {ed25519}\n', keys));
    expect(await verifyHostKey({ files: [user, global], names: ['isu01'], key: keys.ed25519, strict: 'yes', appendTo: user, hostToken: 'isu01' }))
      .toEqual({ ok: true });
  });

  it('without appendTo a new host is accepted but not written', async () => {
    const file = join(freshDir(), 'known_hosts');
    expect(await verifyHostKey({ files: [file], names: ['isu01'], key: keys.ed25519, strict: 'accept-new', hostToken: 'isu01' }))
      .toEqual({ ok: true, added: false });
  });

  it('an unwritable file: accepted with a warning, as ssh goes on', async () => {
    const dir = freshDir();
    const result = await verifyHostKey({ files: [dir], names: ['isu01'], key: keys.ed25519, strict: 'accept-new', appendTo: dir, hostToken: 'isu01' });
    expect(result).toMatchObject({ ok: true, added: false });
    expect(result.ok && result.warning).toBe(`Failed to add the host to the list of known hosts (${dir}): it is a directory`);
  });

  it('50 hosts at once: 50 whole lines, each found by ssh-keygen -F', async () => {
    const file = join(freshDir(), 'known_hosts');
    const hosts = Array.from({ length: 50 }, (_, i) => `[isu${String(i + 1).padStart(2, '0')}]:2222`);
    const results = await Promise.all(hosts.map((h) => verifyHostKey({ files: [file], names: [h], key: keys.rsa, strict: 'accept-new', appendTo: file, hostToken: h })));
    expect(results.every((r) => r.ok && r.added)).toBe(true);
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.sort()).toEqual(hosts.map((h) => `${h} ${keys.rsa.text}`).sort());
    hosts.forEach((h) => expect(oracleFind(file, h)).toHaveLength(1));
  });

  it('the same new host 20 times at once: written once', async () => {
    const file = join(freshDir(), 'known_hosts');
    const results = await Promise.all(Array.from({ length: 20 }, () => verifyHostKey({ files: [file], names: ['isu01'], key: keys.ed25519, strict: 'accept-new', appendTo: file, hostToken: 'isu01' })));
    expect(results.filter((r) => r.ok && r.added)).toHaveLength(1);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(oracleFind(file, 'isu01')).toEqual([1]);
  });

  it('two keys for one new host at once: one is written, the other refused as changed', async () => {
    const file = join(freshDir(), 'known_hosts');
    const check = (key: TestKey) => verifyHostKey({ files: [file], names: ['isu01'], key, strict: 'accept-new', appendTo: file, hostToken: 'isu01' });
    // Which of two concurrent checks reaches the file first is up to the file system.
    const results = await Promise.all([check(keys.ed25519), check(keys.ed25519b)]);
    const written = results.filter((r) => r.ok);
    expect(written).toEqual([{ ok: true, added: true }]);
    expect(results.filter((r) => !r.ok)).toMatchObject([{ ok: false, reason: 'changed' }]);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1);
  });
});

describe('preferKnownHostKeyAlgorithms', () => {
  const ssh2Order = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  it.each<[string, string[], string[]]>([
    ['nothing known: unchanged', [], ssh2Order],
    ['ecdsa known: first', ['ecdsa-sha2-nistp256'], ['ecdsa-sha2-nistp256', 'ssh-ed25519', 'ecdsa-sha2-nistp384', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']],
    ['ssh-rsa known: all rsa signatures first', ['ssh-rsa'], ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384']],
    ['several known: keep the list order', ['ssh-rsa', 'ssh-ed25519'], ['ssh-ed25519', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384']],
    ['unknown type ignored', ['ssh-dss'], ssh2Order],
  ])('%s', (_label, known, want) => {
    expect(preferKnownHostKeyAlgorithms(ssh2Order, known)).toEqual(want);
  });
});
