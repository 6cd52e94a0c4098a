// top through a bastion: the bastion lab (lab up --bastion), whose fleet only the bastion reaches.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRunLab } from '../../src/lab/run-env.js';
import { REPO, runIsuops } from './helpers.js';
import { parseObjects } from './top/helpers.js';

type LabModule = typeof import('../../src/lab/index.js');

const { dir: DIR, base: BASE } = findRunLab('bastion');
let lab: LabModule;
let names: string[];

beforeAll(async () => {
  lab = (await import(pathToFileURL(path.join(REPO, 'dist/lab/index.js')).href)) as LabModule;
  names = (await lab.bringLabUp({ dir: DIR, count: 5, base: BASE, bastion: true })).state.hosts.map((h) => h.name);
});

afterAll(async () => {
  if (process.env.ISUOPS_KEEP_LAB !== '1') await lab.takeLabDown(DIR);
});

describe('top through the bastion', () => {
  it('samples every host behind it, and leaves no sampler behind', async () => {
    const r = await runIsuops(['top', '-F', path.join(DIR, 'ssh_config'), '-f', path.join(DIR, 'hosts.txt'), '--for', '8s', '-q']);
    expect(r.exitCode).toBe(0);
    const objects = parseObjects(r.stdout);
    for (const host of names) {
      const mine = objects.filter((o) => o.host === host);
      expect(mine.length).toBeGreaterThanOrEqual(1);
      expect(mine.every((o) => o.error === null && o.cpu !== null)).toBe(true);
    }
    const until = Date.now() + 5000;
    let left: string[] = [];
    do {
      left = (await Promise.all(names.map(async (h) => (await lab.labExecOnHost(DIR, h, 'ps -eo args')).stdout.split('\n').filter((l) => l.includes('isuops-top'))))).flat();
      if (left.length === 0) break;
      await new Promise((res) => setTimeout(res, 200));
    } while (Date.now() < until);
    expect(left).toEqual([]);
    expect(fs.existsSync(path.join(DIR, 'hosts.txt'))).toBe(true);
  });
});
