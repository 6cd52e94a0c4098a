import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { OutStream } from './types.js';

/** What one host's held output keeps in memory; past it, the output goes to a temp file. */
export const HELD_IN_MEMORY_BYTES = 256 * 1024;
// Read back from the temp file in pieces of this size.
const READ_BYTES = 1024 * 1024;

/**
 * One host's output held until the end of the run (-b, --json): in memory up to
 * HELD_IN_MEMORY_BYTES, then in a temp file of its own (created 0600 under $TMPDIR and unlinked
 * at once, so nothing is left whatever ends the process), so that what a host prints costs
 * disk, not memory. `digest` identifies the whole content (-b folds equal outputs by it).
 */
export class HeldOutput {
  private chunks: Buffer[] = [];
  private chunkBytes = 0;
  private fd: number | undefined;
  private readonly hash = createHash('sha256');
  /** Bytes appended so far. */
  length = 0;
  /** Set when the temp file could not be written (a full /tmp): what came after is lost. */
  failure: string | undefined;

  constructor(private readonly memoryBytes = HELD_IN_MEMORY_BYTES) {}

  append(data: Buffer): void {
    if (this.failure) return;
    this.hash.update(data);
    this.length += data.length;
    this.chunks.push(Buffer.from(data));
    this.chunkBytes += data.length;
    // Past the memory share, what is held goes to the file in batches of that size.
    if (this.chunkBytes > this.memoryBytes) this.spill();
  }

  private spill(): void {
    try {
      if (this.fd === undefined) {
        const file = path.join(os.tmpdir(), `.isuops-held-${process.pid}-${randomBytes(6).toString('hex')}`);
        this.fd = openSync(file, 'wx+', 0o600);
        unlinkSync(file);
      }
      writeAll(this.fd, Buffer.concat(this.chunks, this.chunkBytes));
    } catch (err) {
      this.failure = `could not hold the output in ${os.tmpdir()}: ${(err as Error).message}`;
    }
    this.chunks = [];
    this.chunkBytes = 0;
  }

  /** Everything is still in memory (no temp file, nothing lost). */
  get inMemory(): boolean {
    return this.fd === undefined && this.failure === undefined;
  }

  /** sha256 and length of everything appended. */
  digest(): string {
    return `${this.hash.copy().digest('hex')}:${this.length}`;
  }

  /** The content, in pieces of at most 1 MiB. */
  *pieces(): Generator<Buffer> {
    if (this.fd === undefined) {
      yield* this.chunks;
      return;
    }
    if (this.chunkBytes > 0) this.spill();
    for (let pos = 0; ; ) {
      const buf = Buffer.allocUnsafe(READ_BYTES);
      const n = readSync(this.fd, buf, 0, READ_BYTES, pos);
      if (n === 0) return;
      pos += n;
      yield buf.subarray(0, n);
    }
  }

  /** Frees what is held (the temp file's space). */
  release(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.chunks = [];
    this.chunkBytes = 0;
  }
}

function writeAll(fd: number, data: Buffer): void {
  for (let off = 0; off < data.length; ) off += writeSync(fd, data, off);
}

/** Writes `chunk`, then waits while the stream's buffer is full: a large held output is never queued whole. */
export async function writeDrained(stream: OutStream, chunk: string | Uint8Array): Promise<void> {
  if (!stream.write(chunk) && stream.drained) await stream.drained();
}
