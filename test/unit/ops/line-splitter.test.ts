import { describe, expect, it } from 'vitest';
import { LineBlockSplitter, LineSplitter } from '../../../src/ops/line-splitter.js';

// A cut piece shows as `piece+` here.
function split(chunks: string[], max?: number): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter((line, partial) => lines.push(line.toString('latin1') + (partial ? '+' : '')), max);
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

function splitBlocks(chunks: string[], max?: number): string[] {
  const blocks: string[] = [];
  const splitter = new LineBlockSplitter((lines) => blocks.push(lines.toString('latin1')), max);
  for (const c of chunks) splitter.push(Buffer.from(c, 'latin1'));
  splitter.flush();
  return blocks;
}

describe('LineSplitter with a cap of 4 bytes per line', () => {
  it.each([
    [['abcd\n'], ['abcd']],
    [['abcde\n'], ['abcd+', 'e']],
    [['abcdefgh\n'], ['abcd+', 'efgh']],
    [['ab', 'cd', 'ef', 'gh', 'i'], ['abcd+', 'efgh+', 'i']],
    [['abcd', '\nxy\n'], ['abcd', 'xy']],
    [['a', 'bcdefghij\nk'], ['abcd+', 'efgh+', 'ij', 'k']],
  ])('%j -> %j', (chunks, expected) => {
    expect(split(chunks, 4)).toEqual(expected);
  });

  it('holds at most the cap whatever comes without a newline', () => {
    const sizes: number[] = [];
    const splitter = new LineSplitter((line) => sizes.push(line.length), 1024);
    for (let i = 0; i < 1000; i++) splitter.push(Buffer.alloc(4000, 120));
    splitter.flush();
    expect([Math.max(...sizes), sizes.reduce((a, b) => a + b, 0)]).toEqual([1024, 4_000_000]);
  });
});

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

  it.each([
    [['abcdefghij'], ['abcd\\\n', 'efgh\\\n', 'ij\n']],
    [['ab\ncdef', 'gh\n'], ['ab\n', 'cdef\\\n', 'gh\n']],
    [['abcd', '\n'], ['abcd\n']],
  ])('cap 4: %j -> %j (a cut piece ends in a backslash)', (chunks, expected) => {
    expect(splitBlocks(chunks, 4)).toEqual(expected);
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
