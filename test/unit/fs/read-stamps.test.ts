import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { noteRead, readsUnchanged, recordReads, setRacyWindow } from '../../../src/fs/read-stamps.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'isuops-stamps-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// dir/config (read), dir/conf.d (listed), dir/missing (looked for, not there), dir/link -> config
let dir: string;
let n = 0;
const at = (name: string): string => path.join(dir, name);
beforeEach(() => {
  dir = path.join(root, String(n++));
  mkdirSync(path.join(dir, 'conf.d'), { recursive: true });
  writeFileSync(at('config'), 'Host a\n  Port 22\n');
  writeFileSync(at('conf.d/one'), 'x\n');
  symlinkSync(at('config'), at('link'));
  setRacyWindow(0);
});
afterEach(() => setRacyWindow(2000));

/** File times are coarse (a kernel tick): a change must come in a later tick than the writes above, as it would outside the racy window. */
function nextTick(): void {
  const before = statSync(at('conf.d/one'), { bigint: true }).ctimeNs;
  for (let i = 0; i < 1_000_000; i++) {
    writeFileSync(at('tick'), '');
    if (statSync(at('tick'), { bigint: true }).ctimeNs > before) return;
  }
}

async function record(paths: string[]) {
  return (await recordReads(async () => paths.forEach((p) => noteRead(p)))).reads;
}

describe('read stamps', () => {
  it.each([
    ['nothing changed', () => undefined, true],
    ['rewritten with the same size', () => writeFileSync(at('config'), 'Host b\n  Port 22\n'), false],
    ['appended to', () => appendFileSync(at('config'), '  User x\n'), false],
    ['its mode changed', () => chmodSync(at('config'), 0o600), false],
    ['replaced by a rename over it', () => (writeFileSync(at('new'), 'Host a\n  Port 22\n'), renameSync(at('new'), at('config'))), false],
    ['removed', () => unlinkSync(at('config')), false],
    ['a file that was missing appeared', () => writeFileSync(at('missing'), ''), false],
    ['a file added to a listed directory', () => writeFileSync(at('conf.d/two'), ''), false],
    ['a file removed from a listed directory', () => unlinkSync(at('conf.d/one')), false],
    ['a symlink pointed elsewhere', () => (unlinkSync(at('link')), symlinkSync(at('conf.d/one'), at('link'))), false],
    ['a file that was not read changed', () => writeFileSync(at('other'), 'x'), true],
  ])('%s: unchanged is %s', async (_what, change, unchanged) => {
    const reads = await record([at('config'), at('conf.d'), at('missing'), at('link')]);
    nextTick();
    change();
    expect(readsUnchanged(reads)).toBe(unchanged);
  });

  it('a file changed within the racy window is never trusted, even unchanged', async () => {
    setRacyWindow(60_000);
    const reads = await record([at('config')]);
    expect(reads.racy).toBe(true);
    expect(readsUnchanged(reads)).toBe(false);
  });

  it('a pipe (which reads differently under one stamp) is never trusted', async () => {
    execFileSync('mkfifo', [at('fifo')]);
    const reads = await record([at('fifo')]);
    expect(readsUnchanged(reads)).toBe(false);
  });

  it('outside recordReads nothing is recorded; each path is stamped at its first read', async () => {
    noteRead(at('config'));
    const reads = await recordReads(async () => {
      noteRead(at('config'));
      writeFileSync(at('config'), 'changed after the first read\n');
      noteRead(at('config'));
    });
    expect([...reads.reads.stamps.keys()]).toEqual([at('config')]);
    expect(readsUnchanged(reads.reads)).toBe(false);
  });
});
