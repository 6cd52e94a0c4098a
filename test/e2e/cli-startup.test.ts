import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { labArgs, REPO, runIsuops } from './helpers.js';

const version = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).version as string;

describe("bin/isuops and V8's code cache", () => {
  const cacheHome = fs.mkdtempSync(path.join(os.tmpdir(), 'isuops-cache-'));
  // the CLI itself, not a warm worker of the daemon (which has a cache of its own)
  const env = { XDG_CACHE_HOME: cacheHome, NODE_DEBUG: 'isuops', ISUOPS_WARM: 'no' };
  const said = (stderr: string) => /code cache \S+: (none yet|used|rejected)/.exec(stderr)?.[1];
  const files = () => fs.readdirSync(path.join(cacheHome, 'isuops')).sort();

  it('the first run of a command writes its cache, the next one uses it', async () => {
    const first = await runIsuops(['--version'], { env });
    expect(first.stdout).toBe(`${version}\n`);
    expect(said(first.stderr)).toBe('none yet');
    expect(files()).toEqual([expect.stringMatching(/^isuops-\d+-\d+-other\.v8cache$/)]);
    const second = await runIsuops(['--version'], { env });
    expect(second.stdout).toBe(`${version}\n`);
    expect(said(second.stderr)).toBe('used');
  });

  it('each command has its own cache, and runs the same from it', async () => {
    const runs = [];
    for (let i = 0; i < 2; i++) runs.push(await runIsuops(['exec', ...labArgs(), 'hostname'], { env }));
    expect(runs.map((r) => said(r.stderr))).toEqual(['none yet', 'used']);
    expect(runs.map((r) => r.exitCode)).toEqual([0, 0]);
    expect(runs[1].stdout.split('\n').filter(Boolean).sort()).toEqual(runs[0].stdout.split('\n').filter(Boolean).sort());
    expect(files().some((f) => f.endsWith('-exec.v8cache'))).toBe(true);
  });

  it('a damaged cache is ignored and rewritten', async () => {
    const file = path.join(cacheHome, 'isuops', files().find((f) => f.endsWith('-other.v8cache'))!);
    fs.writeFileSync(file, 'not a cache');
    const r = await runIsuops(['--version'], { env });
    expect(r.stdout).toBe(`${version}\n`);
    expect(said(r.stderr)).toBe('rejected');
    expect(fs.statSync(file).size).toBeGreaterThan(1000);
    expect(said((await runIsuops(['--version'], { env })).stderr)).toBe('used');
  });
});
