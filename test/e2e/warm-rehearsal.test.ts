import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDir, runIsuops } from './helpers.js';

// A warm spare resolves the run its daemon handed out last ahead of time (src/warm/rehearsal.ts);
// a run takes that resolution only when none of the files it read changed. This file has a daemon
// of its own, started with NODE_DEBUG so that its workers say which resolution a run took.
const runtime = mkdtempSync(path.join(os.tmpdir(), 'isuops-rehearsal-e2e-'));
const env = { XDG_RUNTIME_DIR: runtime, ISUOPS_CONTROL_PERSIST: '', ISUOPS_WARM: '', NODE_DEBUG: 'isuops' };
const conf = path.join(runtime, 'ssh_config');
const included = path.join(runtime, 'included');
const confDir = path.join(runtime, 'conf.d');
const lines = (s: string): string[] => s.split('\n').filter(Boolean);
const ahead = (stderr: string): boolean => /fleet: resolved ahead of the run/.test(stderr);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const args = ['exec', '-F', conf, '-H', 'isu01,isu02', 'hostname'];

let labConfig = '';
// isu01 pointed at isu02's sshd: `isu01: isu02`
let redirect = '';
const writeConfig = (head: string): void => writeFileSync(conf, `Include ${included} ${confDir}/*\n${head}${labConfig}`);

beforeAll(async () => {
  labConfig = readFileSync(path.join(labDir(), 'ssh_config'), 'utf8');
  redirect = `Host isu01\n${/^Host isu02\n((?:[ \t]+\S.*\n)+)/m.exec(labConfig)![1]}`;
  mkdirSync(confDir);
  // both resolutions get kept connections, so that a worker takes either run
  for (const inc of [redirect, '']) {
    writeFileSync(included, inc);
    writeConfig('');
    expect((await runIsuops(args, { env })).exitCode).toBe(0);
  }
}, 60_000);

afterAll(async () => {
  await runIsuops(['daemon', 'stop'], { env });
  rmSync(runtime, { recursive: true, force: true });
});

/** Runs until a run took a rehearsed resolution (files just written are not trusted for a while). */
async function untilAhead(): Promise<void> {
  let r = await runIsuops(args, { env });
  for (let i = 0; i < 40 && !ahead(r.stderr); i++) {
    await sleep(250);
    r = await runIsuops(args, { env });
  }
  expect(ahead(r.stderr), r.stderr).toBe(true);
  expect(lines(r.stdout).sort()).toEqual(['isu01: isu01', 'isu02: isu02']);
  // the spares rehearse that run once it has ended
  await sleep(1500);
}

describe('warm spares resolve ahead of the run', () => {
  it.each([
    ['the -F file is rewritten', () => writeConfig(redirect)],
    ['a file it Includes is rewritten', () => writeFileSync(included, redirect)],
    ['a file appears where its Include glob looks', () => writeFileSync(path.join(confDir, 'redirect'), redirect)],
  ])('%s: the next run resolves again and sees it', async (_what, edit) => {
    writeFileSync(included, '');
    rmSync(path.join(confDir, 'redirect'), { force: true });
    writeConfig('');
    await untilAhead();
    edit();
    const r = await runIsuops(args, { env });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(lines(r.stdout).sort()).toEqual(['isu01: isu02', 'isu02: isu02']);
    expect(r.stderr).toMatch(/warm: run by worker pid \d+/);
    expect(r.stderr).toMatch(/fleet: resolved again/);
  }, 60_000);
});

describe('push: warm spares resolve ahead of the run too', () => {
  it('a push takes the rehearsed resolution and still scans the local tree afresh', async () => {
    writeFileSync(included, '');
    rmSync(path.join(confDir, 'redirect'), { force: true });
    writeConfig('');
    const src = path.join(runtime, 'push-src');
    const dest = '/home/isucon/rehearsal-push-e2e';
    mkdirSync(src, { recursive: true });
    writeFileSync(path.join(src, 'a.txt'), 'a\n');
    const push = ['push', '-F', conf, '-H', 'isu01,isu02', '--dest', dest, `${src}/`];
    try {
      expect((await runIsuops(push, { env })).exitCode).toBe(0);
      let r = await runIsuops(push, { env });
      for (let i = 0; i < 40 && !ahead(r.stderr); i++) {
        await sleep(250);
        r = await runIsuops(push, { env });
      }
      expect(ahead(r.stderr), r.stderr).toBe(true);
      expect(r.stdout).toBe('');
      await sleep(1500);
      // the rehearsal did not scan: the run sees a file made after it
      writeFileSync(path.join(src, 'b.txt'), 'b\n');
      r = await runIsuops(push, { env });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/warm: run by worker pid \d+/);
      expect(ahead(r.stderr), r.stderr).toBe(true);
      expect(lines(r.stdout).sort()).toEqual(['isu01', 'isu02'].flatMap((h) => [`${h}: .d..t...... ${dest}/`, `${h}: >f+++++++++ ${dest}/b.txt`]));
    } finally {
      await runIsuops(['exec', '-F', conf, '-H', 'isu01,isu02', `rm -rf ${dest}`], { env });
    }
  }, 60_000);
});
