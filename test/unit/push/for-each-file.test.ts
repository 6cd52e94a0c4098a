import pLimit from 'p-limit';
import { describe, expect, it } from 'vitest';
import { forEachFile } from '../../../src/ops/push/write-sftp.js';

const tick = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('forEachFile', () => {
  it('starts nothing after a failure, lets those in flight end, then throws that failure', async () => {
    const started: number[] = [];
    const ended: number[] = [];
    const limit = pLimit(3);
    const run = forEachFile(
      Array.from({ length: 20 }, (_, i) => i),
      () => limit,
      async (i) => {
        started.push(i);
        if (i === 1) throw new Error('disk full at 1');
        await tick(20);
        ended.push(i);
      },
    );
    await expect(run).rejects.toThrow('disk full at 1');
    // 0 and 2 were in flight with 1: both ended before the error came out; nothing after them started
    expect(started).toEqual([0, 1, 2]);
    expect(ended.sort()).toEqual([0, 2]);
  });

  it('reports the failure, not a later skip, with two limiters interleaved', async () => {
    const small = pLimit(1);
    const large = pLimit(1);
    const run = forEachFile(
      ['big', 'a', 'b'],
      (n) => (n === 'big' ? large : small),
      async (n) => {
        if (n === 'a') throw new Error(`failed ${n}`);
        await tick(10);
      },
    );
    await expect(run).rejects.toThrow('failed a');
  });

  it('after Ctrl-C starts nothing more and throws "interrupted" once those in flight ended', async () => {
    const abort = new AbortController();
    const limit = pLimit(2);
    const ended: number[] = [];
    const run = forEachFile(
      Array.from({ length: 10 }, (_, i) => i),
      () => limit,
      async (i) => {
        if (i === 1) abort.abort();
        await tick(10);
        ended.push(i);
      },
      abort.signal,
    );
    await expect(run).rejects.toThrow('interrupted');
    expect(ended.sort()).toEqual([0, 1]);
  });

  it('a Ctrl-C once every item has started: those end, and it resolves (nothing was left undone)', async () => {
    const abort = new AbortController();
    const ended: number[] = [];
    await forEachFile(
      [0, 1, 2],
      () => pLimit(3),
      async (i) => {
        if (i === 2) abort.abort();
        await tick(10);
        ended.push(i);
      },
      abort.signal,
    );
    expect(ended.sort()).toEqual([0, 1, 2]);
  });

  it('resolves when every item went through', async () => {
    const seen: number[] = [];
    await forEachFile([1, 2, 3], () => pLimit(2), async (i) => void seen.push(i));
    expect(seen).toEqual([1, 2, 3]);
  });
});
