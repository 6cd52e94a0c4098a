import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../../src/ops/line-splitter.js';

function split(chunks: string[]): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line.toString('latin1')));
  for (const c of chunks) splitter.push(Buffer.from(c, 'latin1'));
  splitter.flush();
  return lines;
}

describe('LineSplitter', () => {
  it.each([
    [['a\nb\n'], ['a', 'b']],
    [['a', 'b\n'], ['ab']],
    [['a\nb'], ['a', 'b']],
    [['', '\n'], ['']],
    [['\n\n'], ['', '']],
    [['x\r\n'], ['x\r']],
    [['ab', 'c', 'd\ne', 'f'], ['abcd', 'ef']],
    [['\xff\xfe\n'], ['\xff\xfe']],
    [[], []],
  ])('%j -> %j', (chunks, expected) => {
    expect(split(chunks)).toEqual(expected);
  });
});
