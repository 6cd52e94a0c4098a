import { describe, expect, it } from 'vitest';
import { makeLineFilter } from '../../../src/ops/tail/line-filter.js';

describe('makeLineFilter', () => {
  it('is undefined without -e or -v', () => {
    expect(makeLineFilter(undefined, undefined)).toBeUndefined();
  });

  it.each([
    [' 500 ', undefined, 'GET / 500 12', true],
    [' 500 ', undefined, 'GET / 200 12', false],
    [undefined, '^POST', 'POST /x', false],
    [undefined, '^POST', 'GET /x', true],
    ['5\\d\\d', 'health', 'GET /health 503', false],
    ['5\\d\\d', 'health', 'GET /api 503', true],
    ['日本', undefined, 'ログ 日本語', true],
    ['^$', undefined, '', true],
  ])('-e %j -v %j on %j: %s', (grep, invert, line, kept) => {
    expect(makeLineFilter(grep, invert)!(Buffer.from(line))).toBe(kept);
  });

  it.each([
    ['(', undefined, /-e\/--grep "\(": not a valid regular expression/],
    [undefined, '[b-a]', /-v\/--invert-match "\[b-a\]": not a valid regular expression/],
  ])('refuses a bad expression (-e %j -v %j)', (grep, invert, message) => {
    expect(() => makeLineFilter(grep, invert)).toThrow(message);
  });
});
