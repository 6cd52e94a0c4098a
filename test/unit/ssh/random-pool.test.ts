import { describe, expect, it } from 'vitest';
import { pooledRandomFill, randomHex } from '../../../src/ssh/random-pool.js';

describe('pooledRandomFill', () => {
  it('fills exactly the asked range and nothing around it', () => {
    for (const [offset, size] of [[5, 4], [0, 255], [100, 17], [3, 1]]) {
      const buf = Buffer.alloc(400, 0xaa);
      pooledRandomFill(buf, offset, size);
      expect(buf.subarray(0, offset).every((b) => b === 0xaa)).toBe(true);
      expect(buf.subarray(offset + size).every((b) => b === 0xaa)).toBe(true);
    }
  });

  it('never hands out the same bytes twice, across pool refills', () => {
    const seen = new Set<string>();
    // 16 KiB pool / 16 bytes: ~3 refills
    for (let i = 0; i < 3000; i++) seen.add(pooledRandomFill(Buffer.alloc(16), 0, 16).toString('hex'));
    expect(seen.size).toBe(3000);
  });

  it('passes what it does not pool to crypto: large, non-Buffer, whole-buffer calls', () => {
    const big = pooledRandomFill(Buffer.alloc(4096));
    expect(big.subarray(0, 64).equals(Buffer.alloc(64))).toBe(false);
    const u8 = pooledRandomFill(new Uint8Array(32));
    expect(u8.some((b) => b !== 0)).toBe(true);
    expect(() => pooledRandomFill(Buffer.alloc(8), 4, 8)).toThrow(RangeError);
  });

  it('randomHex gives 2 hex digits per byte', () => {
    expect(randomHex(3)).toMatch(/^[0-9a-f]{6}$/);
    expect(randomHex(3)).not.toBe(randomHex(3));
  });
});
