import { describe, expect, it } from 'vitest';
import { foldHostNames } from '../../../src/render/hostlist.js';

describe('foldHostNames', () => {
  it.each([
    [['isu01'], 'isu01'],
    [['isu01', 'isu02', 'isu03'], 'isu[01-03]'],
    [['isu01', 'isu03', 'isu04', 'isu05'], 'isu[01,03-05]'],
    [['isu03', 'isu01', 'isu02'], 'isu[01-03]'],
    [['web1', 'web2', 'db1'], 'web[1-2],db1'],
    [['web9', 'web10', 'web11'], 'web[9-11]'],
    [['a', 'b'], 'a,b'],
    [['10.0.0.1', '10.0.0.2'], '10.0.0.[1-2]'],
    [['isu1', 'isu01'], 'isu1,isu01'],
    [['[::1]:22', 'root@isu01'], '[::1]:22,root@isu01'],
  ])('%j -> %s', (names, expected) => {
    expect(foldHostNames(names)).toBe(expected);
  });
});
