import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { labDefaultBase } from '../../../src/lab/layout.js';
import { findCheckout, findRunLab, findRunOctet, findRunRoot, hashRun } from '../../../src/lab/run-env.js';

const A = '/work/checkout-a';
const B = '/work/checkout-b';

describe('findRunLab', () => {
  it.each([
    ['test: $ISUOPS_LAB_DIR and $ISUOPS_LAB_BASE as given', 'test', { ISUOPS_LAB_DIR: '/tmp/lab-x', ISUOPS_LAB_BASE: '127.15.1' }, '/tmp/lab-x', '127.15.1'],
    ['bastion: $ISUOPS_BASTION_LAB_DIR and _BASE as given', 'bastion', { ISUOPS_BASTION_LAB_DIR: '/tmp/blab-x', ISUOPS_BASTION_LAB_BASE: '127.15.42' }, '/tmp/blab-x', '127.15.42'],
    ['the other labs follow $ISUOPS_LAB_BASE\'s second octet', 'second', { ISUOPS_LAB_BASE: '127.15.1' }, '/tmp/run-x/lab2', '127.15.3'],
    ['$ISUOPS_LAB_OCTET wins over $ISUOPS_LAB_BASE for the others', 'grow', { ISUOPS_LAB_OCTET: '77', ISUOPS_LAB_BASE: '127.15.1' }, '/tmp/run-x/lab3', '127.77.13'],
    ['$ISUOPS_LAB_BASE still wins for the test lab', 'test', { ISUOPS_LAB_OCTET: '77', ISUOPS_LAB_BASE: '127.15.1' }, '/tmp/run-x/test-lab', '127.15.1'],
    ['bench: $ISUOPS_BENCH_LAB (the old name) still works', 'bench', { ISUOPS_LAB_OCTET: '8', ISUOPS_BENCH_LAB: '/b' }, '/b', '127.8.9'],
    ['bench: $ISUOPS_BENCH_LAB_DIR wins over the old name', 'bench', { ISUOPS_BENCH_LAB_DIR: '/c', ISUOPS_BENCH_LAB: '/b', ISUOPS_BENCH_LAB_BASE: '127.3.200' }, '/c', '127.3.200'],
    ['demo', 'demo', { ISUOPS_LAB_OCTET: '200' }, '/tmp/run-x/demo-lab', '127.200.2'],
    ['bench bastion', 'benchBastion', { ISUOPS_LAB_OCTET: '200' }, '/tmp/run-x/bench-bastion', '127.200.29'],
  ] as const)('%s', (_, role, env, dir, base) => {
    expect(findRunLab(role, { ISUOPS_RUN_DIR: '/tmp/run-x', ...env }, A)).toEqual({ dir, base });
  });

  it('gives two checkouts different directories and (here) different octets by default', () => {
    const a = findRunLab('test', {}, A);
    const b = findRunLab('test', {}, B);
    expect(a.dir).not.toBe(b.dir);
    expect(a.base).not.toBe(b.base);
    expect(a.dir).toBe(path.join(os.tmpdir(), `isuops-${hashRun(A).slice(0, 10)}`, 'test-lab'));
    // the same checkout gets the same lab every time
    expect(findRunLab('test', {}, A)).toEqual(a);
  });

  it.each([
    ['a bad base', { ISUOPS_LAB_BASE: '10.0.1' }],
    ['a bad octet', { ISUOPS_LAB_OCTET: '0' }],
    ['an octet past 254', { ISUOPS_LAB_OCTET: '255' }],
    ['an octet that is no number', { ISUOPS_LAB_OCTET: 'x1' }],
  ])('refuses %s with a UsageError', (_, env) => expect(() => findRunLab('second', env, A)).toThrow(UsageError));
});

describe('findRunOctet', () => {
  it('keeps the hashed octet in 16..254 (1..15 are for octets set by hand, 0 for lab up\'s own default)', () => {
    for (let i = 0; i < 300; i++) {
      const o = findRunOctet({}, `/work/wt/engineer-${i}`);
      expect(o).toBeGreaterThanOrEqual(16);
      expect(o).toBeLessThanOrEqual(254);
    }
  });

  it('differs between users of one checkout', () => expect(hashRun(A, 0)).not.toBe(hashRun(A, 1000)));
});

describe('findRunRoot and findCheckout', () => {
  it('uses $ISUOPS_RUN_DIR', () => expect(findRunRoot({ ISUOPS_RUN_DIR: '/x' }, A)).toBe('/x'));
  it('finds this checkout (the directory with package.json)', () => {
    expect(fs.existsSync(path.join(findCheckout(), 'package.json'))).toBe(true);
    expect(findCheckout()).toBe(path.resolve(__dirname, '../../..'));
  });
});

describe('labDefaultBase (lab up without --base)', () => {
  it.each([
    [{ ISUOPS_LAB_BASE: '127.15.1' }, '127.15.1'],
    [{ ISUOPS_LAB_BASE: '' }, '127.0.1'],
    [{}, '127.0.1'],
  ])('%j -> %s', (env, base) => expect(labDefaultBase(env)).toBe(base));
});
