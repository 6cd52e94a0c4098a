import { randomFillSync } from 'node:crypto';

// Random bytes drawn from the CSPRNG at once, then handed out a few at a time.
const POOL_BYTES = 16 * 1024;
// Requests up to this size come from the pool; larger ones go to randomFillSync directly.
const MAX_POOLED = 256;

let pool = Buffer.alloc(0);
let used = 0;

/**
 * randomFillSync for ssh2's packet padding (4 to 255 bytes per packet). Node's randomFillSync
 * sets up a crypto job per call, ~6 us: pushing 1,000 small files to 5 hosts sends ~25,000
 * packets and spent 0.16 s of CPU there. The bytes are the same CSPRNG's, each used once.
 * The bundle gives ssh2's protocol/crypto.js this in place of crypto's (scripts/bundle.mjs).
 */
export function pooledRandomFill<T extends NodeJS.ArrayBufferView>(buf: T, offset = 0, size?: number): T {
  const n = size ?? buf.byteLength - offset;
  if (!Buffer.isBuffer(buf) || n > MAX_POOLED || offset < 0 || offset + n > buf.length) return randomFillSync(buf, offset, size);
  if (used + n > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_BYTES));
    used = 0;
  }
  // a padding is 4 to 19 bytes: a loop beats Buffer#copy, which makes a view per call
  for (let i = 0; i < n; i++) buf[offset + i] = pool[used + i];
  used += n;
  return buf;
}

/** `bytes` random bytes as hex, from the same pool (push names a temp file per file it writes). */
export function randomHex(bytes: number): string {
  return pooledRandomFill(Buffer.allocUnsafe(bytes)).toString('hex');
}
