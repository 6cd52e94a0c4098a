import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoFleet, setRehearsing } from '../../../src/commands/fleet-memo.js';
import { noteRead, setRacyWindow } from '../../../src/fs/read-stamps.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'isuops-fleet-memo-'));
const file = path.join(dir, 'ssh_config');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => {
  writeFileSync(file, 'Host a\n');
  setRacyWindow(0);
});
afterEach(() => {
  setRacyWindow(2000);
  setRehearsing(false);
});

/** A resolution that reads the file, as resolveFleet reads ssh_config. */
const resolver = () =>
  vi.fn(async () => {
    noteRead(file);
    return { config: readFileSync(file, 'utf8'), hosts: [{ name: 'a' }] };
  });

async function rehearse(key: string, fail = false): Promise<void> {
  setRehearsing(true);
  try {
    await memoFleet(key, async () => {
      noteRead(file);
      if (fail) throw new Error('bad config');
      return { config: readFileSync(file, 'utf8'), hosts: [{ name: 'a' }] };
    }, () => undefined).catch(() => undefined);
  } finally {
    setRehearsing(false);
  }
}

describe('memoFleet', () => {
  it.each([
    ['the same key, nothing changed', 'k', () => undefined, false, true],
    ['another key (options, cwd or environment differ)', 'other', () => undefined, false, false],
    ['the file it read was rewritten', 'k', () => writeFileSync(file, 'Host b\nUser x\n'), false, false],
    ['the rehearsal failed', 'k', () => undefined, true, false],
  ])('%s: taken from the rehearsal: %s', async (_what, key, change, fail, hit) => {
    await rehearse('k', fail);
    change();
    const resolve = resolver();
    const onHit = vi.fn();
    const got = await memoFleet(key, resolve, onHit);
    expect(resolve).toHaveBeenCalledTimes(hit ? 0 : 1);
    expect(onHit).toHaveBeenCalledTimes(hit ? 1 : 0);
    expect(got.config).toBe(readFileSync(file, 'utf8'));
  });

  it('a rehearsed resolution is used once; without a rehearsal every run resolves', async () => {
    await rehearse('k');
    const resolve = resolver();
    await memoFleet('k', resolve, () => undefined);
    await memoFleet('k', resolve, () => undefined);
    expect(resolve).toHaveBeenCalledTimes(1);
  });

  it('the run gets a copy, not the objects the rehearsal went on with', async () => {
    setRehearsing(true);
    const seen = await memoFleet('k', resolver(), () => undefined);
    setRehearsing(false);
    seen.hosts[0]!.name = 'changed by the rehearsal';
    const got = await memoFleet('k', resolver(), () => undefined);
    expect(got.hosts[0]!.name).toBe('a');
    expect(got).not.toBe(seen);
  });
});
