import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../src/exit-code.js';
import { makeResult, type HostStatus } from '../../src/ops/result.js';

const run = (...statuses: HostStatus[]) => statuses.map((s, i) => makeResult(`h${i}`, s));

describe('exitCodeFor', () => {
  it.each([
    [run('ok', 'ok'), false, 0],
    [run(), false, 0],
    [run('ok', 'failed'), false, 1],
    [run('ok', 'timeout'), false, 1],
    [run('failed', 'unreachable'), false, 255],
    [run('timeout', 'unreachable', 'ok'), false, 255],
    [run('ok', 'unreachable'), true, 130],
    [run('interrupted'), true, 130],
  ])('%j interrupted=%s -> %i', (results, interrupted, code) => {
    expect(exitCodeFor(results, interrupted)).toBe(code);
  });
});
