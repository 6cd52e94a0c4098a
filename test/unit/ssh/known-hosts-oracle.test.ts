// Which lines are about a name: compared with `ssh-keygen -F name -f file` on real keys.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findHostLines, parseKnownHosts } from '../../../src/ssh/known-hosts.js';
import { fillKeys, makeKeys, makeTempDir, runSshKeygen } from '../../fixtures/known-hosts/make-keys.js';

const template = readFileSync(new URL('../../fixtures/known-hosts/oracle.known_hosts', import.meta.url), 'utf8');

const names = [
  'isu01', 'ISU01', '10.0.0.1', 'isu02', '[isu02]:2222', '[10.0.0.2]:2222', 'isu03', 'isu04', 'isu05',
  'isu06', 'ISU06', 'isu0', 'isu10', 'db1.local', 'db9.local', 'dbx.internal', 'db10.local',
  '[web1]:80', '[web1]:8080', '[web]:80', 'web1', '10.0.0.9', '10.0.0.10', '10.0.0.5', '10.0.0.',
  'a.b.c', 'x.b.c', 'b.c', 'foo.example', 'nothing', '',
];

/** Line numbers from ssh-keygen -F's `# Host NAME found: line N [CA|REVOKED]` headers. */
function oracleLines(file: string, name: string): number[] {
  const { stdout } = runSshKeygen(['-F', name, '-f', file]);
  return [...stdout.matchAll(/^# Host .* found: line (\d+)/gm)].map((m) => Number(m[1]));
}

function ourLines(file: string, name: string): number[] {
  return findHostLines(parseKnownHosts(readFileSync(file, 'utf8'), file), name).map((l) => l.line);
}

let tmp: ReturnType<typeof makeTempDir>;
let plainFile: string;
let hashedFile: string;
let keys: ReturnType<typeof makeKeys>;

beforeAll(() => {
  tmp = makeTempDir();
  keys = makeKeys(tmp.dir);
  plainFile = join(tmp.dir, 'plain');
  hashedFile = join(tmp.dir, 'hashed');
  writeFileSync(plainFile, fillKeys(template, keys));
  copyFileSync(plainFile, hashedFile);
  runSshKeygen(['-H', '-f', hashedFile]);
});
afterAll(() => tmp.cleanup());

describe('lines found for a name agree with ssh-keygen -F (plain file)', () => {
  it.each(names)('%j', (name) => {
    expect(ourLines(plainFile, name)).toEqual(oracleLines(plainFile, name));
  });
});

// ssh-keygen -H lowercases and hashes literal names, one line per name; lines with wildcards,
// negations or markers stay plain. A hashed name then only matches its exact (lowercase) spelling.
describe('lines found for a name agree with ssh-keygen -F (file hashed by ssh-keygen -H)', () => {
  it('the file really was hashed', () => {
    expect(readFileSync(hashedFile, 'utf8')).toMatch(/^\|1\|/m);
  });
  it.each(names)('%j', (name) => {
    expect(ourLines(hashedFile, name)).toEqual(oracleLines(hashedFile, name));
  });
});

// Known difference: ssh-keygen -F does not parse the key, so it lists lines whose key is garbage;
// isuops drops them at parse time, as ssh does when it loads keys to check a host.
describe('lines with a bad key', () => {
  it.each([
    ['bad base64', 'isu01 ssh-ed25519 AAAA!!notbase64'],
    ['type differs from blob', 'isu01 ssh-rsa {ed25519}'],
  ])('%s: listed by ssh-keygen -F, ignored by isuops', (_label, line) => {
    const file = join(tmp.dir, 'bad');
    writeFileSync(file, `${fillKeys(line, keys)}\n`);
    expect(oracleLines(file, 'isu01')).toEqual([1]);
    expect(ourLines(file, 'isu01')).toEqual([]);
  });
});

