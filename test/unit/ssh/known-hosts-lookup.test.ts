import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashHostName, listKnownKeyTypes, lookupHostKey, parseKnownHosts, type LookupResult } from '../../../src/ssh/known-hosts.js';
import { fillKeys, makeKeys, makeTempDir, type KeyName, type TestKey } from '../../fixtures/known-hosts/make-keys.js';

let tmp: ReturnType<typeof makeTempDir>;
let keys: Record<KeyName, TestKey>;
beforeAll(() => {
  tmp = makeTempDir();
  keys = makeKeys(tmp.dir);
});
afterAll(() => tmp.cleanup());

/** Files as `name: text`, lookup names, key sent, then status and the deciding `file:line` and name. */
type Case = [label: string, files: Record<string, string>, names: string[], sent: KeyName, status: LookupResult['status'], at?: string, name?: string];

function lookup(files: Record<string, string>, names: string[], sent: KeyName): LookupResult {
  const lines = Object.entries(files).flatMap(([file, text]) => parseKnownHosts(fillKeys(text, keys), file));
  return lookupHostKey(lines, names, keys[sent]);
}

describe('lookupHostKey', () => {
  it.each<Case>([
    ['plain match', { kh: 'isu01 {ed25519}' }, ['isu01'], 'ed25519', 'match', 'kh:1', 'isu01'],
    ['nothing for the name', { kh: 'isu02 {ed25519}' }, ['isu01'], 'ed25519', 'unknown'],
    ['empty file', { kh: '' }, ['isu01'], 'ed25519', 'unknown'],
    ['same type, other key', { kh: 'isu01 {ed25519}' }, ['isu01'], 'ed25519b', 'mismatch', 'kh:1', 'isu01'],
    ['only another type known', { kh: 'isu01 {ecdsa}' }, ['isu01'], 'ed25519', 'mismatch', 'kh:1'],
    ['mismatch prefers the same type', { kh: 'isu01 {ecdsa}\nisu01 {ed25519b}' }, ['isu01'], 'ed25519', 'mismatch', 'kh:2'],
    ['any line with the key matches', { kh: 'isu01 {ed25519b}\nisu01 {ecdsa}\nisu01 {ed25519}' }, ['isu01'], 'ed25519', 'match', 'kh:3'],
    ['host in a comma list', { kh: 'web,isu01,10.0.0.1 {rsa}' }, ['isu01'], 'rsa', 'match', 'kh:1'],
    ['case-insensitive plain name', { kh: 'ISU01 {rsa}' }, ['isu01'], 'rsa', 'match', 'kh:1'],
    ['port: bracketed name', { kh: '[isu01]:2222 {ed25519}' }, ['[isu01]:2222'], 'ed25519', 'match', 'kh:1'],
    ['port: bare name does not cover other ports', { kh: 'isu01 {ed25519}' }, ['[isu01]:2222'], 'ed25519', 'unknown'],
    ['port: bracketed entry does not cover port 22', { kh: '[isu01]:2222 {ed25519}' }, ['isu01'], 'ed25519', 'unknown'],
    ['port: other port is another host', { kh: '[isu01]:2222 {ed25519}' }, ['[isu01]:2223'], 'ed25519b', 'unknown'],
    ['wildcard *', { kh: 'isu* {ecdsa}' }, ['isu07'], 'ecdsa', 'match', 'kh:1'],
    ['wildcard ?', { kh: 'isu0? {ecdsa}' }, ['isu10'], 'ecdsa', 'unknown'],
    ['wildcard with port', { kh: '[isu*]:22?? {ecdsa}' }, ['[isu1]:2222'], 'ecdsa', 'match', 'kh:1'],
    ['negation excludes the line', { kh: '!isu03,isu0? {ed25519b}' }, ['isu03'], 'ed25519', 'unknown'],
    ['negation elsewhere keeps the line', { kh: '!isu03,isu0? {ed25519b}' }, ['isu04'], 'ed25519', 'mismatch', 'kh:1'],
    ['negation alone never applies', { kh: '!isu03 {ed25519}' }, ['isu04'], 'ed25519', 'unknown'],
    ['negated line skipped, next line decides', { kh: '!isu03,isu* {ed25519b}\nisu03 {ed25519}' }, ['isu03'], 'ed25519', 'match', 'kh:2'],
    ['revoked key', { kh: '@revoked isu01 {ed25519}' }, ['isu01'], 'ed25519', 'revoked', 'kh:1'],
    ['revoked wins over an earlier match', { kh: 'isu01 {ed25519}\n@revoked * {ed25519}' }, ['isu01'], 'ed25519', 'revoked', 'kh:2'],
    ['revoked other key: this one still matches', { kh: 'isu01 {ed25519}\n@revoked * {ed25519b}' }, ['isu01'], 'ed25519', 'match', 'kh:1'],
    ['revoked line for another host does not apply', { kh: 'isu01 {ed25519}\n@revoked isu02 {ed25519}' }, ['isu01'], 'ed25519', 'match', 'kh:1'],
    ['revoked line alone is not a mismatch', { kh: '@revoked isu01 {ed25519b}' }, ['isu01'], 'ed25519', 'unknown'],
    ['cert-authority lines are ignored', { kh: '@cert-authority isu01 {ed25519}' }, ['isu01'], 'ed25519', 'unknown'],
    ['cert-authority lines make no mismatch', { kh: '@cert-authority * {ed25519b}' }, ['isu01'], 'ed25519', 'unknown'],
    ['bad line ignored, numbers kept', { kh: 'isu01 ssh-ed25519 AAAA!!\n# c\n\nisu01 {ed25519}' }, ['isu01'], 'ed25519', 'match', 'kh:4'],
    ['bad line is no mismatch', { kh: 'isu01 ssh-ed25519 AAAA!!' }, ['isu01'], 'ed25519', 'unknown'],
    ['second name (HostName) matches', { kh: '10.0.0.1 {rsa}' }, ['isu01', '10.0.0.1'], 'rsa', 'match', 'kh:1', '10.0.0.1'],
    ['second name reports its mismatch', { kh: '10.0.0.1 {rsa}' }, ['isu01', '10.0.0.1'], 'ecdsa', 'mismatch', 'kh:1', '10.0.0.1'],
    ['negation is per name', { kh: '!isu01,10.0.0.* {rsa}' }, ['isu01', '10.0.0.1'], 'rsa', 'match', 'kh:1', '10.0.0.1'],
    ['user file mismatch, global match: known', { user: 'isu01 {ed25519b}', global: 'isu01 {ed25519}' }, ['isu01'], 'ed25519', 'match', 'global:1'],
    ['user file match, global mismatch: known', { user: 'isu01 {ed25519}', global: 'isu01 {ed25519b}' }, ['isu01'], 'ed25519', 'match', 'user:1'],
    ['mismatch in the global file', { user: 'isu02 {ed25519}', global: 'isu01 {ed25519b}' }, ['isu01'], 'ed25519', 'mismatch', 'global:1'],
    ['revoked in the global file', { user: 'isu01 {ed25519}', global: '@revoked * {ed25519}' }, ['isu01'], 'ed25519', 'revoked', 'global:1'],
  ])('%s', (_label, files, names, sent, status, at, name) => {
    const got = lookup(files, names, sent);
    expect(got.status).toBe(status);
    expect(got.line ? `${got.line.file}:${got.line.line}` : undefined).toBe(at);
    if (name !== undefined) expect(got.name).toBe(name);
  });

  // hashHostName is checked against ssh-keygen -H in known-hosts-match.test.ts.
  it.each<[string, string, string[], KeyName, LookupResult['status']]>([
    ['hashed name matches', 'isu01', ['isu01'], 'ed25519', 'match'],
    ['hashed name, other key', 'isu01', ['isu01'], 'ed25519b', 'mismatch'],
    ['hashed name is case-sensitive', 'isu01', ['ISU01'], 'ed25519', 'unknown'],
    ['hashed port name', '[isu01]:2222', ['[isu01]:2222'], 'ed25519', 'match'],
    ['hashed port name is not the bare name', '[isu01]:2222', ['isu01'], 'ed25519', 'unknown'],
    ['hashed HostName as second name', '10.0.0.1', ['isu01', '10.0.0.1'], 'ed25519', 'match'],
  ])('%s', (_label, hashedName, names, sent, status) => {
    expect(lookup({ kh: `${hashHostName(hashedName)} {ed25519}` }, names, sent).status).toBe(status);
  });
});

describe('listKnownKeyTypes', () => {
  it.each<[string, string, string[], KeyName[]]>([
    ['none', 'isu02 {ed25519}', ['isu01'], []],
    ['file order, deduplicated', 'isu01 {ecdsa}\nisu* {rsa}\nisu01 {ecdsa}\nisu01 {ed25519}', ['isu01'], ['ecdsa', 'rsa', 'ed25519']],
    ['markers left out', '@revoked * {rsa}\n@cert-authority * {ed25519}\nisu01 {ecdsa}', ['isu01'], ['ecdsa']],
    ['any name counts', '10.0.0.1 {rsa}', ['isu01', '10.0.0.1'], ['rsa']],
  ])('%s', (_label, text, names, want) => {
    const lines = parseKnownHosts(fillKeys(text, keys), 'kh');
    expect(listKnownKeyTypes(lines, names)).toEqual(want.map((k) => keys[k].type));
  });
});
