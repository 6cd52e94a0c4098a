import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { checkHostCount, labDefaultDir, makeHostAddress, makeHostName, parseBase } from '../../../src/lab/layout.js';
import { formatNameList } from '../../../src/lab/names.js';

describe('makeHostName', () => {
  it.each([
    [1, 5, 'isu01'],
    [12, 12, 'isu12'],
    [99, 99, 'isu99'],
    [1, 100, 'isu001'],
    [200, 200, 'isu200'],
  ])('host %i of %i is %s', (i, n, name) => expect(makeHostName(i, n)).toBe(name));
});

describe('makeHostAddress', () => {
  it.each([
    ['127.0.1', 1, '127.0.1.1'],
    ['127.0.1', 250, '127.0.1.250'],
    ['127.0.1', 251, '127.0.2.1'],
    ['127.0.3', 2, '127.0.3.2'],
    ['127.9.200', 7, '127.9.200.7'],
  ])('%s host %i is %s', (base, i, addr) => expect(makeHostAddress(base, i)).toBe(addr));
});

describe('parseBase', () => {
  it.each(['10.0.1', '127.0', '127.0.1.1', '127.0.255', 'x'])('refuses %s', (b) => expect(() => parseBase(b)).toThrow(UsageError));
  it('accepts 127.0.1', () => expect(parseBase('127.0.1')).toEqual([127, 0, 1]));
});

describe('checkHostCount', () => {
  it.each([0, -1, 251, 1.5, Number.NaN])('refuses %s', (n) => expect(() => checkHostCount(n)).toThrow(UsageError));
  it.each([1, 5, 250])('accepts %i', (n) => expect(checkHostCount(n)).toBe(n));
});

describe('labDefaultDir', () => {
  it('uses ISUOPS_LAB_DIR', () => expect(labDefaultDir({ ISUOPS_LAB_DIR: '/x/lab' })).toBe('/x/lab'));
  it('falls back to ~/.isuops/lab', () => expect(labDefaultDir({})).toMatch(/\/\.isuops\/lab$/));
});

describe('formatNameList', () => {
  it.each([
    [['isu01', 'isu02', 'isu03'], 'isu01..isu03'],
    [['isu03', 'isu01', 'isu02', 'isu05'], 'isu01..isu03, isu05'],
    [['isu01'], 'isu01'],
    [['isu099', 'isu100'], 'isu099..isu100'],
    [[], ''],
  ])('%j -> %s', (names, text) => expect(formatNameList(names)).toBe(text));
});
