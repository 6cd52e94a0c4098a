import { describe, expect, it } from 'vitest';
import { LineBlockSplitter, LineSplitter } from '../../../src/ops/line-splitter.js';

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

function splitBlocks(chunks: string[]): string[] {
  const blocks: string[] = [];
  const splitter = new LineBlockSplitter((lines) => blocks.push(lines.toString('latin1')));
  for (const c of chunks) splitter.push(Buffer.from(c, 'latin1'));
  splitter.flush();
  return blocks;
}

describe('LineBlockSplitter', () => {
  it.each([
    [['a\nb\n'], ['a\nb\n']],
    [['a', 'b\n'], ['ab\n']],
    [['a\nb'], ['a\n', 'b\n']],
    [['', '\n'], ['\n']],
    [['\n\n'], ['\n\n']],
    [['x\r\n'], ['x\r\n']],
    [['ab', 'c', 'd\ne', 'f'], ['abcd\n', 'ef\n']],
    [['a\nb', 'c\nd\ne', '\n'], ['a\n', 'bc\n', 'd\n', 'e\n']],
    [['a\nb', 'c\nd\n'], ['a\n', 'bc\n', 'd\n']],
    [['\xff\xfe\n'], ['\xff\xfe\n']],
    [[], []],
  ])('%j -> %j', (chunks, expected) => {
    expect(splitBlocks(chunks)).toEqual(expected);
  });

  it('gives the same lines as LineSplitter for any cut of the stream', () => {
    const text = 'first line\n\nthird\r\nfourth is longer than the others\nno newline at the end';
    for (let a = 0; a <= text.length; a++) {
      for (let b = a; b <= text.length; b += 3) {
        const chunks = [text.slice(0, a), text.slice(a, b), text.slice(b)];
        const joined = splitBlocks(chunks).join('');
        expect(joined.split('\n').slice(0, -1)).toEqual(split(chunks));
      }
    }
  });
});
