import { describe, expect, it } from 'vitest';
import { IDLE_MS, idleTime, QUIET_MS, quietTime, refillAction, SPARES, type RefillAction, type RefillState } from '../../../src/warm/refill.js';

const state = (over: Partial<RefillState>): RefillState => ({ ready: 1, booting: false, quietMs: 0, quietNeeded: 100, idleNeeded: 400, youngForMs: 0, stopped: false, ...over });

describe('refillAction: when the daemon boots a spare warm worker', () => {
  it.each<[string, Partial<RefillState>, RefillAction]>([
    ['no spare left, a run working: boots now (the next run must find one)', { ready: 0, quietMs: 0 }, { do: 'boot' }],
    ['a spare left, a run working: waits for the idle time (a burst of runs is served without a boot)', { ready: 2, quietMs: 0 }, { do: 'wait', ms: 400 }],
    ['a spare left, quiet for the quiet time only: still waits', { ready: 1, quietMs: 100 }, { do: 'wait', ms: 300 }],
    ['a spare left, idle long enough: boots', { ready: 1, quietMs: 400 }, { do: 'boot' }],
    ['a quiet time longer than the idle time: that one', { ready: 2, quietMs: 500, quietNeeded: 3000 }, { do: 'wait', ms: 2500 }],
    ['a worker that took its run 0.5 s ago, silent (reading its config): waits until it is 2 s old', { ready: 1, quietMs: 500, youngForMs: 1500 }, { do: 'wait', ms: 1500 }],
    ['no spare left while a young worker runs: boots now all the same', { ready: 0, youngForMs: 1500 }, { do: 'boot' }],
    ['all there', { ready: SPARES, quietMs: 10_000 }, { do: 'none' }],
    ['one booting already (one at a time)', { ready: 0, booting: true }, { do: 'none' }],
    ['stopping, or workers keep dying before ready', { ready: 0, stopped: true }, { do: 'none' }],
  ])('%s', (_what, over, want) => {
    expect(refillAction(state(over))).toEqual(want);
  });
});

describe('quietTime: ISUOPS_WARM_QUIET_MS', () => {
  it.each<[string | undefined, number]>([
    [undefined, QUIET_MS],
    ['0', 0],
    ['2500', 2500],
    ['', QUIET_MS],
    ['-1', QUIET_MS],
    ['1.5', QUIET_MS],
    ['10s', QUIET_MS],
  ])('%s', (v, want) => {
    expect(quietTime(v === undefined ? {} : { ISUOPS_WARM_QUIET_MS: v })).toBe(want);
  });
});

describe('idleTime: ISUOPS_WARM_IDLE_MS', () => {
  it.each([
    [undefined, IDLE_MS],
    ['0', 0],
    ['1500', 1500],
    ['', IDLE_MS],
    ['-1', IDLE_MS],
    ['2s', IDLE_MS],
  ])('%j -> %s', (v, want) => {
    expect(idleTime(v === undefined ? {} : { ISUOPS_WARM_IDLE_MS: v })).toBe(want);
  });
});
