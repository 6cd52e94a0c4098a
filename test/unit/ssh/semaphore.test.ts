import { describe, expect, it } from 'vitest';
import { Semaphore } from '../../../src/ssh/semaphore.js';

describe('Semaphore', () => {
  it.each([
    [1, 5],
    [3, 10],
    [10, 25],
  ])('size %i: never more than that many holders among %i tasks, all run, in order', async (size, tasks) => {
    const sem = new Semaphore(size);
    let inside = 0;
    let most = 0;
    const started: number[] = [];
    await Promise.all(
      Array.from({ length: tasks }, async (_, i) => {
        const release = await sem.acquire();
        started.push(i);
        inside++;
        most = Math.max(most, inside);
        await new Promise((r) => setTimeout(r, 2));
        inside--;
        release();
        release(); // a second release is harmless
      }),
    );
    expect(most).toBe(size);
    expect(started).toEqual(Array.from({ length: tasks }, (_, i) => i));
  });
});
