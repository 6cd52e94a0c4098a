import { execFileSync } from 'node:child_process';
import { escapeBytes } from '../../../src/core/escape-controls.js';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { escapePath } from '../../../src/ops/pull/escape-path.js';
import { nameFromBytes } from '../../../src/core/byte-names.js';

// The oracle: how `rsync -ni` prints the same name.
const root = mkdtempSync(path.join(os.tmpdir(), 'isuops-pull-escape-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
function rsyncName(name: string | Buffer): string {
  const src = path.join(root, 'src');
  rmSync(src, { recursive: true, force: true });
  mkdirSync(src);
  writeFileSync(typeof name === 'string' ? path.join(src, name) : Buffer.concat([Buffer.from(`${src}/`), name]), '');
  // rsync escapes every non-ASCII byte in the C locale: the oracle is rsync as an operator runs it, in a UTF-8 locale.
  const out = execFileSync('rsync', ['-ni', '-r', `${src}/`, path.join(root, 'dst')], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C.UTF-8' } });
  return out.split('\n').find((l) => l.startsWith('>f'))!.slice(12);
}

describe('escapePath agrees with rsync -i', () => {
  for (const name of ['plain.log', 'a b', 'new\nline', 'tab\there', 'cr\rx', '$(x);`y`', 'ünï']) {
    it(JSON.stringify(name), () => expect(escapePath(name)).toBe(rsyncName(name)));
  }
});

describe('a name that is not UTF-8, carried as bytes, is printed as rsync -i prints it', () => {
  const names = [[0xe9], [0x63, 0x61, 0x66, 0xe9, 0x2e, 0x74, 0x78, 0x74], [0xff, 0xfe], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xc3, 0xa9, 0xe9], [0x1b, 0xe9, 0x0a]];
  for (const bytes of names.map((b) => Buffer.from(b))) {
    it(bytes.toString('hex'), () => expect(escapePath(nameFromBytes(bytes))).toBe(rsyncName(bytes)));
  }
});

describe('escapeBytes (names that are not UTF-8)', () => {
  it.each([
    [Buffer.from('plain'), 'plain'],
    [Buffer.from([0x62, 0xff, 0x78]), 'b\\#377x'],
    [Buffer.from('é\u001b'), 'é\\#033'],
    [Buffer.from([0xe2, 0x82]), '\\#342\\#202'],
    [Buffer.concat([Buffer.from('€'), Buffer.from([0xc3])]), '€\\#303'],
  ])('%s -> %s', (bytes, want) => {
    expect(escapeBytes(bytes)).toBe(want);
  });
});
