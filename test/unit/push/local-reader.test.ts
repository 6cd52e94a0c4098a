import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeLocalReader, SMALL_FILE_BYTES } from '../../../src/ops/push/local-reader.js';

describe('makeLocalReader', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'isuops-reader-'));
  const file = path.join(dir, 'a.conf');
  writeFileSync(file, 'listen 80;\n');

  it('reads a small file once for every host: the same copy each time', async () => {
    const read = makeLocalReader();
    const first = read(file, 11);
    expect(read(file, 11)).toBe(first);
    expect((await first!).toString()).toBe('listen 80;\n');
  });

  it.each([
    ['at the limit: shared', SMALL_FILE_BYTES, true],
    ['over the limit: streamed per host', SMALL_FILE_BYTES + 1, false],
  ])('%s', (_name, size, shared) => {
    expect(makeLocalReader()(file, size) !== undefined).toBe(shared);
  });

  it('stops sharing once the budget is spent', () => {
    const read = makeLocalReader();
    let shared = 0;
    for (let i = 0; i < 300; i++) if (read(`${file}-${i}`, SMALL_FILE_BYTES)?.catch(() => undefined)) shared++;
    expect(shared).toBe(256);
  });

  it('a read error reaches the host that asked', async () => {
    await expect(makeLocalReader()(path.join(dir, 'missing'), 1)).rejects.toThrow(/ENOENT/);
  });
});
