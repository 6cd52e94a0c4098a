import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseKnownHosts } from '../../../src/ssh/known-hosts.js';
import { fillKeys, makeKeys, makeTempDir, type KeyName, type TestKey } from '../../fixtures/known-hosts/make-keys.js';

let tmp: ReturnType<typeof makeTempDir>;
let keys: Record<KeyName, TestKey>;
beforeAll(() => {
  tmp = makeTempDir();
  keys = makeKeys(tmp.dir);
});
afterAll(() => tmp.cleanup());

/** What a parsed line should look like; null when the line must be ignored. */
type Want = { marker?: string; hosts: string; patterns: string[]; type: KeyName; comment: string; hashed?: true } | null;

const SALT = 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=';
const HASH = 'BBBBBBBBBBBBBBBBBBBBBBBBBBA=';

describe('parseKnownHosts: one line', () => {
  it.each<[string, Want]>([
    ['isu01 {ed25519}', { hosts: 'isu01', patterns: ['isu01'], type: 'ed25519', comment: '' }],
    ['isu01,10.0.0.1 {rsa} root@box', { hosts: 'isu01,10.0.0.1', patterns: ['isu01', '10.0.0.1'], type: 'rsa', comment: 'root@box' }],
    ['[isu02]:2222 {ecdsa}', { hosts: '[isu02]:2222', patterns: ['[isu02]:2222'], type: 'ecdsa', comment: '' }],
    ['ISU03,!Bad* {ed25519}', { hosts: 'ISU03,!Bad*', patterns: ['isu03', '!bad*'], type: 'ed25519', comment: '' }],
    ['  \tisu04\t{ed25519}  two  words', { hosts: 'isu04', patterns: ['isu04'], type: 'ed25519', comment: 'two words' }],
    ['isu05 {ed25519}\r', { hosts: 'isu05', patterns: ['isu05'], type: 'ed25519', comment: '' }],
    ['@revoked * {rsa}', { marker: 'revoked', hosts: '*', patterns: ['*'], type: 'rsa', comment: '' }],
    ['@cert-authority *.example {ed25519}', { marker: 'cert-authority', hosts: '*.example', patterns: ['*.example'], type: 'ed25519', comment: '' }],
    [`|1|${SALT}|${HASH} {ecdsa}`, { hosts: `|1|${SALT}|${HASH}`, patterns: [], type: 'ecdsa', comment: '', hashed: true }],
    [`@revoked |1|${SALT}|${HASH} {ecdsa}`, { marker: 'revoked', hosts: `|1|${SALT}|${HASH}`, patterns: [], type: 'ecdsa', comment: '', hashed: true }],
    ['# isu01 {ed25519}', null],
    ['   # indented comment', null],
    ['', null],
    ['   ', null],
    ['garbage line', null],
    ['isu01', null],
    ['isu01 ssh-ed25519', null],
    ['@bogus isu01 {ed25519}', null],
    ['@revoked {ed25519}', null],
    ['isu01 ssh-ed25519 AAAA!!notbase64', null],
    ['isu01 ssh-ed25519 AAAAC3Nz', null],
    ['isu01 ssh-rsa {ed25519}', null],
    ['isu01 2048 65537 1234567890', null],
    [`|2|${SALT}|${HASH} {ecdsa}`, null],
    [`|1|AAAA|${HASH} {ecdsa}`, null],
    [`|1|${SALT} {ecdsa}`, null],
    [`|1|${SALT}|${HASH},isu01 {ecdsa}`, null],
  ])('%j', (template, want) => {
    const text = fillKeys(template, keys);
    const got = parseKnownHosts(text, 'kh');
    if (want === null) {
      expect(got).toEqual([]);
      return;
    }
    expect(got).toHaveLength(1);
    const line = got[0]!;
    expect({
      marker: line.marker, hosts: line.hosts, patterns: line.patterns, type: line.key.type,
      data: line.key.data.toString('base64'), comment: line.comment, hashed: line.hashed !== undefined,
    }).toEqual({
      marker: want.marker, hosts: want.hosts, patterns: want.patterns, type: keys[want.type].type,
      data: keys[want.type].data.toString('base64'), comment: want.comment, hashed: want.hashed ?? false,
    });
  });
});

describe('parseKnownHosts: a whole file', () => {
  it('keeps file line numbers across comments, blank and bad lines', () => {
    const text = fillKeys('# c\n\nisu01 {ed25519}\nbad line\n@revoked * {rsa}\n\n[isu02]:2222 {ecdsa}\n', keys);
    expect(parseKnownHosts(text, '/tmp/kh').map((l) => `${l.file}:${l.line} ${l.hosts}`))
      .toEqual(['/tmp/kh:3 isu01', '/tmp/kh:5 *', '/tmp/kh:7 [isu02]:2222']);
  });
  it('reads a last line without a newline', () => {
    expect(parseKnownHosts(fillKeys('isu01 {ed25519}\nisu02 {ed25519}', keys), 'kh').map((l) => l.line)).toEqual([1, 2]);
  });
});
