import { describe, expect, it } from 'vitest';
import { HeldOutput } from '../../../src/render/held-output.js';

const hold = (chunks: string[], memory: number): HeldOutput => {
  const held = new HeldOutput(memory);
  for (const c of chunks) held.append(Buffer.from(c));
  return held;
};
const text = (held: HeldOutput): string => Buffer.concat([...held.pieces()]).toString();

describe('HeldOutput', () => {
  it.each([
    [['ab', 'cd', 'ef'], 100, true],
    [['ab', 'cd', 'ef'], 3, false],
    [['abcdef'], 0, false],
    [[], 3, true],
  ])('%j with %d bytes of memory: the same content (in memory: %s)', (chunks, memory, inMemory) => {
    const held = hold(chunks, memory);
    expect([text(held), held.length, held.inMemory]).toEqual([chunks.join(''), chunks.join('').length, inMemory]);
    // Read twice (the -b fold reads each block once, but nothing is consumed).
    expect(text(held)).toBe(chunks.join(''));
    held.release();
  });

  it('the digest depends on the content, not on how it came or where it is held', () => {
    const a = hold(['abc', 'def'], 2);
    const b = hold(['abcdef'], 100);
    const c = hold(['abcdeg'], 2);
    expect(a.digest()).toBe(b.digest());
    expect(a.digest()).not.toBe(c.digest());
  });

  it('holds 64 MiB with a 1 KiB memory share and gives it back in pieces of at most 1 MiB', () => {
    const held = new HeldOutput(1024);
    const chunk = Buffer.alloc(64 * 1024, 'x');
    for (let i = 0; i < 1024; i++) held.append(chunk);
    const sizes = [...held.pieces()].map((p) => p.length);
    expect([Math.max(...sizes), sizes.reduce((a, b) => a + b, 0), held.inMemory]).toEqual([1024 * 1024, 64 * 1024 * 1024, false]);
    held.release();
  });
});
