import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  formatKnownHostsName, hashHostName, lineMatchesName, matchHostPatterns, matchPattern, parseKnownHosts,
  type KnownHostLine,
} from '../../../src/ssh/known-hosts.js';
import { makeKeys, makeTempDir, runSshKeygen } from '../../fixtures/known-hosts/make-keys.js';

// The tables are also put to ssh-keygen -F: one known_hosts line `PATTERNS key`, found or not.
let oracleTmp: ReturnType<typeof makeTempDir>;
let oracleKey: string;
beforeAll(() => {
  oracleTmp = makeTempDir();
  oracleKey = makeKeys(oracleTmp.dir).ed25519.text;
});
afterAll(() => oracleTmp.cleanup());

function oracleFinds(name: string, hostField: string): boolean {
  const file = join(oracleTmp.dir, 'one');
  writeFileSync(file, `${hostField} ${oracleKey}\n`);
  return runSshKeygen(['-F', name, '-f', file]).stdout.includes('found: line 1');
}

describe('matchPattern', () => {
  it.each<[string, string, boolean]>([
    ['isu01', 'isu01', true],
    ['isu01', 'isu02', false],
    ['isu01', 'isu*', true],
    ['isu', 'isu*', true],
    ['isu01', '*', true],
    ['', '*', true],
    ['', '', true],
    ['isu01', '', false],
    ['isu01', 'isu0?', true],
    ['isu0', 'isu0?', false],
    ['isu011', 'isu0?', false],
    ['a.b.c', '*.b.c', true],
    ['b.c', '*.b.c', false],
    ['[web1]:8080', '[web*]:80*', true],
    ['[web1]:443', '[web*]:80*', false],
    ['aXbXc', 'a*b*c', true],
    ['abcbc', '*bc', true],
    ['abcbd', '*bc', false],
    ['aaa', 'a**a', true],
    ['ab', '?*?', true],
    ['a', '?*?', false],
  ])('%j ~ %j = %s', (text, pattern, want) => {
    expect(matchPattern(text, pattern)).toBe(want);
    // An empty host field cannot be written in known_hosts.
    if (pattern !== '') expect(oracleFinds(text, pattern)).toBe(want);
  });
});

describe('matchHostPatterns (1 yes, -1 negated, 0 no)', () => {
  it.each<[string, string, 1 | 0 | -1]>([
    ['isu01', 'isu01,isu02', 1],
    ['isu03', 'isu01,isu02', 0],
    ['ISU01', 'isu01', 1],
    ['isu03', '!isu03,isu0?', -1],
    ['isu04', '!isu03,isu0?', 1],
    ['isu03', 'isu0?,!isu03', -1],
    ['isu99', '!isu03', 0],
    ['db9.local', 'db?.local,!db9.local', -1],
  ])('%j in %j = %s', (name, list, want) => {
    expect(matchHostPatterns(name, list.toLowerCase().split(','))).toBe(want);
    expect(oracleFinds(name, list)).toBe(want === 1);
  });
});

describe('formatKnownHostsName', () => {
  it.each<[string, number | undefined, string]>([
    ['isu01', undefined, 'isu01'],
    ['isu01', 22, 'isu01'],
    ['isu01', 2222, '[isu01]:2222'],
    ['ISU01', 22, 'isu01'],
    ['10.0.0.1', 2201, '[10.0.0.1]:2201'],
    ['::1', 2222, '[::1]:2222'],
  ])('%j port %s -> %j', (host, port, want) => {
    expect(formatKnownHostsName(host, port)).toBe(want);
  });
});

// Hashed names: ssh-keygen -H makes the entries, isuops must recognise exactly the names hashed.
describe('hashed entries made by ssh-keygen -H', () => {
  const hashedNames = ['isu01', '10.0.0.1', '[isu02]:2222', '[::1]:2222', 'db.example.com'];
  let tmp: ReturnType<typeof makeTempDir>;
  let lines: KnownHostLine[];
  beforeAll(() => {
    tmp = makeTempDir();
    const key = makeKeys(tmp.dir).ed25519;
    const file = join(tmp.dir, 'kh');
    writeFileSync(file, hashedNames.map((n) => `${n} ${key.text}\n`).join(''));
    runSshKeygen(['-H', '-f', file]);
    lines = parseKnownHosts(readFileSync(file, 'utf8'), file);
  });
  afterAll(() => tmp.cleanup());

  it('ssh-keygen hashed every line', () => {
    expect(lines.map((l) => l.hashed !== undefined)).toEqual(hashedNames.map(() => true));
  });
  it.each(hashedNames.map((name, i) => [name, i] as const))('%j matches its own line only', (name, i) => {
    expect(lines.map((l) => lineMatchesName(l, name))).toEqual(hashedNames.map((_, j) => j === i));
  });
  it.each<[string]>([['ISU01'], ['isu0*'], ['isu02'], ['[isu02]:22']])('%j matches no hashed line', (name) => {
    expect(lines.some((l) => lineMatchesName(l, name))).toBe(false);
  });
  it.each(hashedNames.map((name, i) => [name, i] as const))('hashHostName(%j, its salt) rebuilds ssh-keygen\'s field', (name, i) => {
    expect(hashHostName(name, lines[i]!.hashed!.salt)).toBe(lines[i]!.hosts);
  });
});
