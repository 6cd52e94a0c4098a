import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hashLocalFile, parseSha256sumZ } from '../../../src/ops/push/checksum.js';

// The oracle: real `sha256sum -z` output over awkward names, parsed back to our local hashes.
const root = mkdtempSync(path.join(os.tmpdir(), 'isuops-sum-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('parseSha256sumZ', () => {
  it.each(['plain.txt', 'with space', 'new\nline', 'back\\slash', '$(x) `y`'])('%j', async (name) => {
    const p = path.join(root, name);
    writeFileSync(p, `body of ${name}`);
    const out = execFileSync('sha256sum', ['-z', '--', p]);
    expect(parseSha256sumZ(out).get(p)).toBe(await hashLocalFile(p));
  });
});
