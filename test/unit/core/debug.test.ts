import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { debugEnabled } from '../../../src/core/debug.js';

// The oracle: whether Node's own util.debuglog('isuops') is on under that NODE_DEBUG.
function nodeSays(nodeDebug: string): boolean {
  const r = spawnSync(process.execPath, ['-e', "process.stdout.write(String(require('node:util').debuglog('isuops').enabled))"], { env: { PATH: process.env.PATH, NODE_DEBUG: nodeDebug } });
  return r.stdout.toString() === 'true';
}

describe('debugEnabled reads NODE_DEBUG as Node does', () => {
  it.each(['isuops', 'ISUOPS', 'net,isuops', 'isuops,net', 'isu*', '*', 'isuop', 'isuopss', 'net', 'is.ops', 'isuops ', ' isuops', 'net, isuops', 'i*s', '(isuops)', 'isuops|net', ''])('%j', (value) => {
    expect(debugEnabled(value)).toBe(nodeSays(value));
  });
  it('is off without NODE_DEBUG', () => {
    expect(debugEnabled(undefined)).toBe(false);
  });
});
