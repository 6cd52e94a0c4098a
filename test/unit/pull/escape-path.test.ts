import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { escapePath } from '../../../src/ops/pull/escape-path.js';

// The oracle: how `rsync -ni` prints the same name.
const root = mkdtempSync(path.join(os.tmpdir(), 'isuops-pull-escape-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
function rsyncName(name: string): string {
  const src = path.join(root, 'src');
  rmSync(src, { recursive: true, force: true });
  mkdirSync(src);
  writeFileSync(path.join(src, name), '');
  const out = execFileSync('rsync', ['-ni', '-r', `${src}/`, path.join(root, 'dst')], { encoding: 'utf8' });
  return out.split('\n').find((l) => l.startsWith('>f'))!.slice(12);
}

describe('escapePath agrees with rsync -i', () => {
  for (const name of ['plain.log', 'a b', 'new\nline', 'tab\there', 'cr\rx', '$(x);`y`', 'ünï']) {
    it(JSON.stringify(name), () => expect(escapePath(name)).toBe(rsyncName(name)));
  }
});
