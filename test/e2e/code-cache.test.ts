import { chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runIsuops } from './helpers.js';

// bin/isuops's V8 code cache, run as root (the lab's tests are) with XDG_CACHE_HOME pointed around.
const root = mkdtempSync(path.join(os.tmpdir(), 'isuops-code-cache-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const NOBODY = 65534;
const run = (cache: string) => runIsuops(['hosts', '-H', 'isu01'], { env: { XDG_CACHE_HOME: cache, NODE_DEBUG: 'isuops' } });

describe('the V8 code cache', () => {
  it("is written in the running user's own cache directory (made 0700 when missing)", async () => {
    const cache = path.join(root, 'mine');
    const r = await run(cache);
    expect(r.exitCode).toBe(0);
    expect(readdirSync(path.join(cache, 'isuops')).filter((f) => f.endsWith('hosts.v8cache'))).toHaveLength(1);
    expect(statSync(path.join(cache, 'isuops')).mode & 0o777).toBe(0o700);
    expect((await run(cache)).stderr).toMatch(/code cache .*: used/);
  });

  it("another user's XDG_CACHE_HOME with a planted symlink: root writes nothing through it and the run works", async () => {
    const theirs = path.join(root, 'theirs');
    const victim = path.join(root, 'victim');
    mkdirSync(theirs);
    mkdirSync(victim, { mode: 0o700 });
    symlinkSync(victim, path.join(theirs, 'isuops'));
    chownSync(theirs, NOBODY, NOBODY);
    const r = await run(theirs);
    expect([r.exitCode, readdirSync(victim)]).toEqual([0, []]);
  });

  it("another user's cache directory itself: neither read nor written", async () => {
    const theirs = path.join(root, 'theirs2');
    mkdirSync(path.join(theirs, 'isuops'), { recursive: true });
    chownSync(theirs, NOBODY, NOBODY);
    chownSync(path.join(theirs, 'isuops'), NOBODY, NOBODY);
    const r = await run(theirs);
    expect([r.exitCode, readdirSync(path.join(theirs, 'isuops'))]).toEqual([0, []]);
  });
});
