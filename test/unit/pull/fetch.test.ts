import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { buildReadCommand } from '../../../src/ops/pull/fetch.js';

// The oracle: the command run here by sh, as sshd runs it, on names a shell would misread.
const root = mkdtempSync(path.join(os.tmpdir(), 'isuops-pull-fetch-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const run = (cmd: string): Buffer => execFileSync('sh', ['-c', cmd], { cwd: root });

describe('buildReadCommand', () => {
  for (const name of ['plain.log', 'a b', '$(touch pwned)', "it's", '-n', 'x;y&z|w']) {
    it(JSON.stringify(name), () => {
      const p = path.join(root, name);
      writeFileSync(p, `body of ${name}\n`);
      expect(run(buildReadCommand(p, { sudo: false, gzip: false })).toString()).toBe(`body of ${name}\n`);
      expect(gunzipSync(run(buildReadCommand(p, { sudo: false, gzip: true }))).toString()).toBe(`body of ${name}\n`);
    });
  }
  it('--sudo goes through sudo -n', () => expect(buildReadCommand('/a b', { sudo: true, gzip: true })).toBe("sudo -n -- gzip -1 -c -- '/a b'"));
});
