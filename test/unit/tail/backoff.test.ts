import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../src/ops/tail/backoff.js';

describe('backoffDelay', () => {
  it.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [4, 8000],
    [5, 10_000],
    [100, 10_000],
  ])('attempt %i waits %i ms', (attempt, ms) => {
    expect(backoffDelay(attempt)).toBe(ms);
  });
});
