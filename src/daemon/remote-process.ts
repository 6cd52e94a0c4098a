import { Duplex, Readable } from 'node:stream';
import { Kind } from './protocol.js';

/** How a process talks to its daemon link. */
export interface ProcessLink {
  send(kind: number, id: number, payload?: Buffer | object): void;
}

/**
 * A command running on a host through the daemon: the same stream shape as an ssh2 channel
 * (stdout readable, stdin writable, `stderr`, `exit`, `close`). Back-pressure both ways: a
 * full stdout buffer pauses the channel in the daemon; a stdin chunk is done when the daemon has
 * handed it to the channel (the ssh window applies).
 */
export class DaemonProcess extends Duplex {
  readonly stderr = new Readable({ read: () => {} });
  private remotePaused = false;
  private writes: Array<(err?: Error | null) => void> = [];
  private ended = false;

  constructor(
    private readonly link: ProcessLink,
    readonly cid: number,
  ) {
    super({ allowHalfOpen: true, emitClose: false, autoDestroy: false, readableHighWaterMark: 256 * 1024 });
  }

  override _read(): void {
    if (!this.remotePaused) return;
    this.remotePaused = false;
    this.link.send(Kind.resume, this.cid);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.ended) {
      cb();
      return;
    }
    this.writes.push(cb);
    this.link.send(Kind.stdin, this.cid, chunk);
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (!this.ended) this.link.send(Kind.eof, this.cid);
    cb();
  }

  close(): void {
    if (!this.ended) this.link.send(Kind.close, this.cid);
  }

  // destroy() (a pipeline that failed, e.g. a full local disk) closes the channel, as on an ssh2 channel
  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.close();
    cb(err);
  }

  /** What the daemon sent for this channel. */
  deliver(kind: number, payload: Buffer): void {
    switch (kind) {
      case Kind.stdout:
        if (!this.push(payload) && !this.remotePaused) {
          this.remotePaused = true;
          this.link.send(Kind.pause, this.cid);
        }
        break;
      case Kind.stderr:
        this.stderr.push(payload);
        break;
      case Kind.stdinAck:
        this.writes.shift()?.();
        break;
      case Kind.exit: {
        const { code, signal } = JSON.parse(payload.toString('utf8')) as { code: number | null; signal: string | null };
        if (signal === null) this.emit('exit', code);
        else this.emit('exit', code, signal);
        break;
      }
      default:
        break;
    }
  }

  /** The channel is gone (closed, or the connection or the daemon went): ends the streams, then 'close'. */
  finish(): void {
    if (this.ended) return;
    this.ended = true;
    for (const cb of this.writes.splice(0)) cb();
    this.stderr.push(null);
    this.push(null);
    // 'close' once what was delivered has been read (as with ssh2: output before close).
    if (this.destroyed || this.readableEnded || this.readableFlowing === null) setImmediate(() => this.emit('close'));
    else this.once('end', () => this.emit('close'));
  }
}
