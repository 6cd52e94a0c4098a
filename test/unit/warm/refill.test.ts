import { describe, expect, it } from 'vitest';
import { QUIET_MS, quietTime, refillAction, SPARES, type RefillAction, type RefillState } from '../../../src/warm/refill.js';

const state = (over: Partial<RefillState>): RefillState => ({ ready: 1, booting: false, quietMs: 0, quietNeeded: 100, youngForMs: 0, stopped: false, ...over });

describe('refillAction: when the daemon boots a spare warm worker', () => {
  it.each<[string, Partial<RefillState>, RefillAction]>([
    ['no spare left, a run working: boots now (the next run must find one)', { ready: 0, quietMs: 0 }, { do: 'boot' }],
    ['a spare used, a run working: waits for the quiet time', { ready: SPARES - 1, quietMs: 0 }, { do: 'wait', ms: 100 }],
    ['a spare used, quiet for part of it: waits for the rest', { ready: SPARES - 1, quietMs: 30 }, { do: 'wait', ms: 70 }],
    ['a spare used, quiet long enough: boots', { ready: SPARES - 1, quietMs: 100 }, { do: 'boot' }],
    ['one left, a run working: still waits', { ready: 1, quietMs: 5 }, { do: 'wait', ms: 95 }],
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
