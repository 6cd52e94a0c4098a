import { describe, expect, it } from 'vitest';
import { parseDuration, parseInterval } from '../../../src/commands/duration.js';

describe('parseDuration', () => {
  it.each([
    ['60s', 60],
    ['60', 60],
    ['1.5m', 90],
    ['2h', 7200],
    [' 5s ', 5],
  ])('%j -> %d', (text, seconds) => expect(parseDuration(text)).toBe(seconds));
  it.each(['', '0', '0s', '-5s', '5d', 'soon', '1m30s'])('%j is refused', (text) => expect(() => parseDuration(text)).toThrow(/duration greater than 0/));
});

describe('parseInterval', () => {
  it.each([
    ['1', 1],
    ['0.5', 0.5],
    ['0.1', 0.1],
  ])('%j -> %d', (text, seconds) => expect(parseInterval(text)).toBe(seconds));
  it.each(['', '0', '0.05', '-1', 'x'])('%j is refused', (text) => expect(() => parseInterval(text)).toThrow(/0.1 or more/));
});
