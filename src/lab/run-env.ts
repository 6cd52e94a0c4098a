import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { parseBase } from './layout.js';

/**
 * The labs that the project's own tests, demo and bench start. Each role has a third octet of its
 * own under the run's second octet (`127.<octet>.<third>`), a directory under the run's scratch
 * root, and environment variables that override both (the first set variable wins).
 */
export const RUN_LABS = {
  /** The shared e2e lab (test/e2e/setup/global-setup.ts). */
  test: { third: 1, dir: 'test-lab', dirVars: ['ISUOPS_LAB_DIR'], baseVars: ['ISUOPS_LAB_BASE'] },
  /** `npm run demo`. */
  demo: { third: 2, dir: 'demo-lab', dirVars: ['ISUOPS_DEMO_LAB_DIR'], baseVars: ['ISUOPS_DEMO_LAB_BASE'] },
  /** lab.test.ts: a second lab brought up and down through the CLI. */
  second: { third: 3, dir: 'lab2', dirVars: [], baseVars: [] },
  /** lab.test.ts: a lab whose port 22 is taken. */
  port22: { third: 4, dir: 'lab-port22', dirVars: [], baseVars: [] },
  /** latency.test.ts: a lab behind the latency proxy. */
  latency: { third: 5, dir: 'lab-latency', dirVars: [], baseVars: [] },
  /** rtt.test.ts: the round trips of a run, counted by the latency proxy. */
  rtt: { third: 6, dir: 'lab-rtt', dirVars: [], baseVars: [] },
  /** `npm run bench`: up to 250 hosts. */
  bench: { third: 9, dir: 'bench-lab', dirVars: ['ISUOPS_BENCH_LAB_DIR', 'ISUOPS_BENCH_LAB'], baseVars: ['ISUOPS_BENCH_LAB_BASE'] },
  /** The bench's lab behind the latency proxy (issue 12's round trips). */
  benchLatency: { third: 19, dir: 'bench-latency', dirVars: ['ISUOPS_BENCH_LATENCY_LAB_DIR'], baseVars: ['ISUOPS_BENCH_LATENCY_LAB_BASE'] },
  /** lab.test.ts: a lab that grows past 99 hosts. */
  grow: { third: 13, dir: 'lab3', dirVars: [], baseVars: [] },
  /** lab.test.ts: a lab with a stale state.json. */
  stale: { third: 14, dir: 'lab-stale', dirVars: [], baseVars: [] },
  /** The bench's bastion lab. */
  benchBastion: { third: 29, dir: 'bench-bastion', dirVars: ['ISUOPS_BENCH_BASTION_LAB_DIR', 'ISUOPS_BENCH_BASTION_LAB'], baseVars: ['ISUOPS_BENCH_BASTION_LAB_BASE'] },
  /** test/e2e/bastion.test.ts. */
  bastion: { third: 42, dir: 'bastion-lab', dirVars: ['ISUOPS_BASTION_LAB_DIR'], baseVars: ['ISUOPS_BASTION_LAB_BASE'] },
} as const;

export type RunLabRole = keyof typeof RUN_LABS;

/** The checkout this file belongs to: the nearest directory above it with a package.json. */
export function findCheckout(from: string = path.dirname(new URL(import.meta.url).pathname)): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return from;
  }
}

/** A short hash of the checkout and the user: what two checkouts, or two users, never share. */
export function hashRun(checkout: string, uid: number = process.getuid?.() ?? 0): string {
  let real = checkout;
  try {
    real = fs.realpathSync(checkout);
  } catch {
    // not there (yet): the path as given
  }
  return createHash('sha256').update(`${real}\0${uid}`).digest('hex');
}

/**
 * The second octet of every lab of a run: $ISUOPS_LAB_OCTET, else that of $ISUOPS_LAB_BASE, else
 * 16..254 from the checkout's hash (1..15 are left to octets set by hand; 0 is `lab up`'s own default).
 */
export function findRunOctet(env: NodeJS.ProcessEnv = process.env, checkout = findCheckout()): number {
  const given = env.ISUOPS_LAB_OCTET;
  if (given) {
    if (!/^\d{1,3}$/.test(given) || Number(given) < 1 || Number(given) > 254) {
      throw new UsageError(`bad ISUOPS_LAB_OCTET "${given}": use a number from 1 to 254 (the X of 127.X.*)`);
    }
    return Number(given);
  }
  if (env.ISUOPS_LAB_BASE) return parseBase(env.ISUOPS_LAB_BASE)[1];
  return 16 + (parseInt(hashRun(checkout).slice(0, 8), 16) % 239);
}

/** Where a run's labs and scratch files go: $ISUOPS_RUN_DIR, else /tmp/isuops-<hash of the checkout>. */
export function findRunRoot(env: NodeJS.ProcessEnv = process.env, checkout = findCheckout()): string {
  return env.ISUOPS_RUN_DIR || path.join(os.tmpdir(), `isuops-${hashRun(checkout).slice(0, 10)}`);
}

/** The directory and address base of one of the run's labs, with what decided each. */
export function findRunLab(role: RunLabRole, env: NodeJS.ProcessEnv = process.env, checkout = findCheckout()): { dir: string; base: string } {
  const spec = RUN_LABS[role];
  const dirVar = spec.dirVars.find((v) => env[v]);
  const baseVar = spec.baseVars.find((v) => env[v]);
  const dir = dirVar ? path.resolve(env[dirVar] as string) : path.join(findRunRoot(env, checkout), spec.dir);
  let base: string;
  if (baseVar) {
    parseBase(env[baseVar] as string);
    base = env[baseVar] as string;
  } else {
    base = `127.${findRunOctet(env, checkout)}.${spec.third}`;
  }
  return { dir, base };
}
