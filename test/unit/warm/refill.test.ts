import { describe, expect, it } from 'vitest';
import { refillAction, SPARES, type RefillState } from '../../../src/warm/refill.js';

const state = (over: Partial<RefillState>): RefillState => ({ ready: 1, booting: false, busy: false, stopped: false, ...over });

describe('refillAction: when the daemon boots a spare warm worker', () => {
  it.each<[string, Partial<RefillState>, string]>([
    ['no spare left, a run going: boots now (the next run must find one)', { ready: 0, busy: true }, 'boot'],
    ['no spare left, idle: boots now', { ready: 0 }, 'boot'],
    ['a spare used, a run going: waits until the daemon is idle', { ready: SPARES - 1, busy: true }, 'when-idle'],
    ['a spare used, idle: after the quiet time', { ready: SPARES - 1 }, 'when-idle'],
    ['one left, a run going: still waits', { ready: 1, busy: true }, 'when-idle'],
    ['all there', { ready: SPARES }, 'none'],
    ['one booting already (one at a time)', { ready: 0, booting: true }, 'none'],
    ['stopping, or workers keep dying before ready', { ready: 0, stopped: true }, 'none'],
  ])('%s', (_what, over, want) => {
    expect(refillAction(state(over))).toBe(want);
  });
});
