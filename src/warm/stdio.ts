import { Readable, Writable } from 'node:stream';
import type net from 'node:net';
import { batchedWriter } from '../daemon/batch.js';
import { encodeFrame } from '../daemon/protocol.js';
import { WarmKind } from './wire.js';

/**
 * The worker's side of one client connection. Frames are held until the worker commits to the run
 * (before that it may still hand the run back, and the client then prints everything itself);
 * once the client is gone, what is written is dropped.
 */
export class ClientLink {
  private held: Buffer[] | undefined = [];
  gone = false;
  // the frames of one event-loop turn (lines of many hosts that came in one read) leave in one writev
  private readonly write: (frame: Buffer) => boolean;

  constructor(private readonly socket: net.Socket) {
    this.write = batchedWriter(socket);
  }

  send(kind: number, payload?: Buffer | string | object, done?: () => void): void {
    if (this.gone || this.socket.destroyed) {
      done?.();
      return;
    }
    const frame = encodeFrame(kind, 0, payload);
    if (this.held) {
      this.held.push(frame);
      done?.();
      return;
    }
    // the socket buffers it; a full one holds the stream's next write until it drains
    if (this.write(frame) || !done) done?.();
    else this.socket.once('drain', done);
  }

  /** From now on frames go out as they come, those held first. */
  commit(pid: number): void {
    if (!this.held) return;
    const held = this.held;
    this.held = undefined;
    this.send(WarmKind.commit, String(pid));
    for (const f of held) if (!this.gone) this.write(f);
  }

  /** Hands the run back: nothing held is sent. */
  decline(why: string, then: () => void): void {
    this.held = undefined;
    if (this.gone || this.socket.destroyed) return then();
    this.socket.end(encodeFrame(WarmKind.fallback, 0, why), then);
  }

  /**
   * The last frame; `then` once the client has closed the connection (it does on reading the
   * exit code: what was sent before is then surely read), or is gone.
   */
  finish(code: number, then: () => void): void {
    if (this.held) this.commit(process.pid);
    if (this.gone || this.socket.destroyed) return then();
    this.socket.once('close', then);
    this.socket.end(encodeFrame(WarmKind.exit, 0, String(code)));
  }
}

/** process.stdout or process.stderr of a worker: the client's, with its isTTY. */
export class RelayedOutput extends Writable {
  readonly isTTY: boolean;
  private failed = false;

  constructor(
    private readonly link: ClientLink,
    private readonly kind: number,
    isTTY: boolean,
  ) {
    super();
    this.isTTY = isTTY;
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.failed) return cb();
    this.link.send(this.kind, chunk, () => cb());
  }

  /** The client's stream failed (its reader went away): fails as the process's own stdout would, EPIPE. */
  fail(): void {
    if (this.failed) return;
    this.failed = true;
    this.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
  }
}

/** process.stdin of a worker: the client starts relaying its stdin on the first read. */
export class RelayedInput extends Readable {
  // A key passphrase is never asked through a worker (its echo is the client terminal's).
  readonly isTTY = false;
  private asked = false;

  constructor(private readonly link: ClientLink) {
    super();
  }

  override _read(): void {
    if (this.asked) return;
    this.asked = true;
    this.link.send(WarmKind.wantStdin);
  }
}
