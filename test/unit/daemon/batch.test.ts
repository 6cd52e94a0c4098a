import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { batchedWriter } from '../../../src/daemon/batch.js';
import { encodeFrame, FrameReader } from '../../../src/daemon/protocol.js';

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const f of cleanup.splice(0)) f();
});

/** A connected pair of unix sockets; `calls` counts what the writing one hands the kernel (one write or writev each). */
async function pair(): Promise<{ a: net.Socket; b: net.Socket; calls: () => number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'isuops-batch-'));
  const file = path.join(dir, 's');
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(file, r));
  const accepted = new Promise<net.Socket>((r) => server.once('connection', r));
  const a = net.connect(file);
  await new Promise((r) => a.once('connect', r));
  const b = await accepted;
  let n = 0;
  const sock = a as unknown as { _write: (...x: unknown[]) => void; _writev: (...x: unknown[]) => void };
  const w = sock._write.bind(a);
  const wv = sock._writev.bind(a);
  sock._write = (...x) => ((n += 1), w(...x));
  sock._writev = (...x) => ((n += 1), wv(...x));
  cleanup.push(() => {
    a.destroy();
    b.destroy();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { a, b, calls: () => n };
}

describe('batchedWriter: the frames of one event-loop turn leave in one write', () => {
  it('50 frames written in one turn: one write, all in order', async () => {
    const { a, b, calls } = await pair();
    const got: number[] = [];
    const reader = new FrameReader((_kind, id) => got.push(id));
    b.on('data', (d: Buffer) => reader.push(d));
    const write = batchedWriter(a);
    for (let id = 1; id <= 50; id++) write(encodeFrame(20, id, { reused: true }));
    await new Promise((r) => setImmediate(r));
    expect(calls()).toBe(1);
    await new Promise<void>((resolve) => {
      const check = (): void => (got.length === 50 ? resolve() : void setTimeout(check, 5));
      check();
    });
    expect(got).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('frames of later turns go in writes of their own', async () => {
    const { a, calls } = await pair();
    const write = batchedWriter(a);
    for (let turn = 0; turn < 3; turn++) {
      write(encodeFrame(25, turn, Buffer.from('x')));
      write(encodeFrame(27, turn, { code: 0 }));
      await new Promise((r) => setImmediate(r));
    }
    expect(calls()).toBe(3);
  });

  it("a turn's frames past the socket's high-water mark say so (backpressure), and 'drain' follows once they left", async () => {
    const { a } = await pair();
    const write = batchedWriter(a);
    expect(write(Buffer.alloc(10))).toBe(true);
    expect(write(Buffer.alloc(a.writableHighWaterMark))).toBe(false);
    await new Promise((r) => a.once('drain', r));
    expect(a.writableLength).toBe(0);
  });
});
