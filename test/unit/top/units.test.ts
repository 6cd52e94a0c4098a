import { describe, expect, it } from 'vitest';
import { formatBytes, formatLoad, formatPercent } from '../../../src/render/top/units.js';

describe('formatBytes', () => {
  it.each([
    [0, '0'],
    [512, '512'],
    [999, '999'],
    [1000, '1.0K'],
    [10_189, '10K'],
    [100 * 1024 * 1024, '100M'],
    [166_027_210, '158M'],
    [23_533_019_136, '22G'],
    [1.5 * 1024 ** 3, '1.5G'],
    [2 * 1024 ** 4, '2.0T'],
  ])('%d -> %s', (n, text) => expect(formatBytes(n)).toBe(text));
});

describe('formatPercent / formatLoad', () => {
  it.each([
    [0, '0.0'],
    [47.52, '47.5'],
    [99.94, '99.9'],
    [99.96, '100'],
    [100, '100'],
  ])('percent %d -> %s', (n, text) => expect(formatPercent(n)).toBe(text));
  it.each([
    [12.16, '12.16'],
    [0, '0.00'],
  ])('load %d -> %s', (n, text) => expect(formatLoad(n)).toBe(text));
});
