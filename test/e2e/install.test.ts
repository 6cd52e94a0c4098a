import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { labArgs, labDir, REPO } from './helpers.js';

const version = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).version as string;

/** A fresh clone of the working tree: the files git tracks (or would), no node_modules, no dist. */
async function freshClone(into: string): Promise<void> {
  const { stdout } = await execa('git', ['ls-files', '-z', '-c', '-o', '--exclude-standard'], { cwd: REPO });
  for (const rel of stdout.split('\0').filter(Boolean)) {
    if (!fs.existsSync(path.join(REPO, rel))) continue;
    fs.mkdirSync(path.dirname(path.join(into, rel)), { recursive: true });
    fs.copyFileSync(path.join(REPO, rel), path.join(into, rel));
    fs.chmodSync(path.join(into, rel), fs.statSync(path.join(REPO, rel)).mode & 0o777);
  }
}

const npm = (args: string[], cwd: string, env: Record<string, string> = {}) =>
  execa('npm', [...args, '--prefer-offline', '--no-audit', '--no-fund'], { cwd, env, reject: false, timeout: 240_000 });

describe('installing from a fresh clone: npm ci, npm pack, npm install -g', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'isuops-install-'));
  const clone = path.join(tmp, 'clone');
  const prefix = path.join(tmp, 'prefix');
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('an unbuilt clone says in one line to build; npm ci builds; the packed tarball installs and runs against the lab', async () => {
    await freshClone(clone);
    const unbuilt = await execa('node', ['bin/isuops', '--version'], { cwd: clone, reject: false });
    expect(unbuilt.exitCode).toBe(1);
    expect(unbuilt.stderr).toBe(`isuops: ${path.join(clone, 'dist/isuops.cjs')} is missing: run \`npm run build\` in ${clone}`);

    const ci = await npm(['ci'], clone);
    expect(ci.exitCode, ci.stderr).toBe(0);
    expect(fs.existsSync(path.join(clone, 'dist/isuops.cjs'))).toBe(true);

    const pack = await npm(['pack', '--pack-destination', tmp], clone);
    expect(pack.exitCode, pack.stderr).toBe(0);
    const tarball = path.join(tmp, `isuops-${version}.tgz`);
    const listed = (await execa('tar', ['tzf', tarball])).stdout.split('\n').sort();
    // What bin/isuops runs (the bundle, and the thin client of warm runs), the licence, and no source maps of sources that are not shipped.
    expect(listed).toEqual(['package/LICENSE', 'package/README.md', 'package/bin/isuops', 'package/bin/package.json', 'package/dist/isuops.cjs', 'package/dist/warm-client.cjs', 'package/package.json']);

    const install = await npm(['install', '-g', '--prefix', prefix, tarball], tmp);
    expect(install.exitCode, install.stderr).toBe(0);
    const bin = path.join(prefix, 'bin/isuops');
    const env = { PATH: `${path.join(prefix, 'bin')}:${process.env.PATH}` };
    const v = await execa('isuops', ['--version'], { env, reject: false });
    expect([v.exitCode, v.stdout]).toEqual([0, version]);
    const run = await execa(bin, ['exec', ...labArgs(), 'hostname'], { env, reject: false });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout.split('\n').sort()).toEqual(['isu01: isu01', 'isu02: isu02', 'isu03: isu03', 'isu04: isu04', 'isu05: isu05']);
    // the installed copy has its warm path too: with kept connections, a later run is handed to a worker of its daemon
    const kept = { ...env, XDG_RUNTIME_DIR: fs.mkdtempSync(path.join(tmp, 'run-')), ISUOPS_CONTROL_PERSIST: '', ISUOPS_WARM: '' };
    try {
      await execa(bin, ['exec', ...labArgs(), 'true'], { env: kept, reject: false });
      let warmRun = '';
      for (let i = 0; i < 50 && !/warm: run by worker pid \d+/.test(warmRun); i++) {
        await new Promise((r) => setTimeout(r, 200));
        warmRun = (await execa(bin, ['exec', ...labArgs(), 'true'], { env: { ...kept, NODE_DEBUG: 'isuops' }, reject: false })).stderr;
      }
      expect(warmRun).toMatch(/warm: run by worker pid \d+/);
    } finally {
      await execa(bin, ['daemon', 'stop'], { env: kept, reject: false });
    }
    // npm ci, npm pack (which builds again) and a global install: minutes on a busy 2-core machine.
  }, 600_000);

  it("lab up's try: line runs as printed, with isuops on PATH and without", async () => {
    const dir = labDir();
    for (const env of [{ PATH: `${path.join(prefix, 'bin')}:${process.env.PATH}` }, { PATH: '/usr/bin:/bin' }]) {
      const up = await execa(path.join(REPO, 'bin/isuops'), ['lab', 'up', '5', '--dir', dir], { env, reject: false });
      expect(up.exitCode, up.stderr).toBe(0);
      const line = /^try: (.*)$/m.exec(up.stdout)?.[1];
      expect(line).toBeDefined();
      // With this prefix on PATH the installed isuops is another copy: the line names bin/isuops then too.
      expect(line!.split(' ')[0]).toBe(path.join(REPO, 'bin/isuops'));
      const run = await execa('sh', ['-c', line!], { env, reject: false });
      expect(run.exitCode, run.stderr).toBe(0);
      expect(run.stdout.split('\n')).toHaveLength(5);
    }
    const linked = path.join(tmp, 'linked');
    fs.mkdirSync(linked);
    fs.symlinkSync(path.join(REPO, 'bin/isuops'), path.join(linked, 'isuops'));
    const env = { PATH: `${linked}:${process.env.PATH}` };
    const up = await execa(path.join(linked, 'isuops'), ['lab', 'up', '5', '--dir', dir], { env, reject: false });
    const line = /^try: (.*)$/m.exec(up.stdout)?.[1];
    expect(line).toBe(`isuops exec ${labArgs(dir).join(' ')} hostname`);
    const run = await execa('sh', ['-c', line!], { env, reject: false });
    expect(run.exitCode, run.stderr).toBe(0);
  });
});
