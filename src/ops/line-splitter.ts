import { CUT_MARK } from '../core/events.js';

/**
 * The most of one line held before it is passed on in pieces: a host printing gigabytes without
 * a newline costs this much memory, not gigabytes. Renderers mark the cut (README: Output).
 */
export const MAX_LINE_BYTES = 1024 * 1024;

/**
 * Cuts a byte stream into whole lines (without the `\n`, keeping a `\r` that precedes it),
 * so that one host's line is never split across writes. A line longer than `maxLine` goes out
 * in pieces of `maxLine` bytes, each but the last with `partial` set. `flush` returns the
 * partial last line.
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(
    private readonly onLine: (line: Buffer, partial: boolean) => void,
    private readonly maxLine = MAX_LINE_BYTES,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    let nl = chunk.indexOf(10, start);
    while (nl !== -1) {
      this.take(chunk.subarray(start, nl), true);
      start = nl + 1;
      nl = chunk.indexOf(10, start);
    }
    if (start < chunk.length) this.take(chunk.subarray(start), false);
  }

  // `piece` is a line's next bytes; `ends`: its newline came right after them.
  private take(piece: Buffer, ends: boolean): void {
    while (this.pendingBytes + piece.length > this.maxLine) {
      const room = this.maxLine - this.pendingBytes;
      this.pending.push(piece.subarray(0, room));
      this.onLine(Buffer.concat(this.pending), true);
      this.pending = [];
      this.pendingBytes = 0;
      piece = piece.subarray(room);
    }
    if (ends) {
      if (this.pending.length > 0) {
        this.pending.push(piece);
        piece = Buffer.concat(this.pending);
        this.pending = [];
        this.pendingBytes = 0;
      }
      this.onLine(piece, false);
    } else if (piece.length > 0) {
      // A copy: the chunk's memory belongs to the stream.
      this.pending.push(Buffer.from(piece));
      this.pendingBytes += piece.length;
    }
  }

  /** Emits what is left after the stream ended without a final newline. */
  flush(): void {
    if (this.pending.length === 0) return;
    const rest = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    this.onLine(rest, false);
  }
}

const NEWLINE = Buffer.from('\n');


/**
 * Cuts a byte stream into blocks of whole lines, each block ending in `\n`: a chunk's whole
 * lines go out as one block (no per-line buffers), a line cut across chunks as one more.
 * For followers that pass many lines on at once; `flush` ends the partial last line with `\n`.
 * A line longer than `maxLine` goes out in pieces, each but the last ending in CUT_MARK.
 */
export class LineBlockSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(
    private readonly onBlock: (lines: Buffer) => void,
    private readonly maxLine = MAX_LINE_BYTES,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    if (this.pending.length > 0) {
      const nl = chunk.indexOf(10);
      if (nl === -1) {
        this.hold(chunk);
        return;
      }
      this.hold(chunk.subarray(0, nl));
      this.pending.push(NEWLINE);
      const joined = Buffer.concat(this.pending);
      this.pending = [];
      this.pendingBytes = 0;
      this.onBlock(joined);
      start = nl + 1;
    }
    const end = chunk.lastIndexOf(10) + 1;
    if (end > start) this.onBlock(chunk.subarray(start, end));
    const rest = Math.max(start, end);
    if (rest < chunk.length) this.hold(chunk.subarray(rest));
  }

  // Bytes of a line whose newline has not come yet; past maxLine they go out as cut pieces.
  private hold(piece: Buffer): void {
    while (this.pendingBytes + piece.length > this.maxLine) {
      const room = this.maxLine - this.pendingBytes;
      this.pending.push(piece.subarray(0, room), CUT_MARK, NEWLINE);
      const block = Buffer.concat(this.pending);
      this.pending = [];
      this.pendingBytes = 0;
      this.onBlock(block);
      piece = piece.subarray(room);
    }
    if (piece.length === 0) return;
    this.pending.push(Buffer.from(piece));
    this.pendingBytes += piece.length;
  }

  /** Emits what is left after the stream ended without a final newline, as a line of its own. */
  flush(): void {
    if (this.pending.length === 0) return;
    this.pending.push(NEWLINE);
    const rest = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    this.onBlock(rest);
  }
}
