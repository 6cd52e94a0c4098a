/**
 * Cuts a byte stream into whole lines (without the `\n`, keeping a `\r` that precedes it),
 * so that one host's line is never split across writes. `flush` returns the partial last line.
 */
export class LineSplitter {
  private pending: Buffer[] = [];

  constructor(private readonly onLine: (line: Buffer) => void) {}

  push(chunk: Buffer): void {
    let start = 0;
    let nl = chunk.indexOf(10, start);
    while (nl !== -1) {
      const piece = chunk.subarray(start, nl);
      if (this.pending.length > 0) {
        this.pending.push(piece);
        this.onLine(Buffer.concat(this.pending));
        this.pending = [];
      } else {
        this.onLine(piece);
      }
      start = nl + 1;
      nl = chunk.indexOf(10, start);
    }
    if (start < chunk.length) this.pending.push(Buffer.from(chunk.subarray(start)));
  }

  /** Emits what is left after the stream ended without a final newline. */
  flush(): void {
    if (this.pending.length === 0) return;
    const rest = Buffer.concat(this.pending);
    this.pending = [];
    this.onLine(rest);
  }
}

const NEWLINE = Buffer.from('\n');

/**
 * Cuts a byte stream into blocks of whole lines, each block ending in `\n`: a chunk's whole
 * lines go out as one block (no per-line buffers), a line cut across chunks as one more.
 * For followers that pass many lines on at once; `flush` ends the partial last line with `\n`.
 */
export class LineBlockSplitter {
  private pending: Buffer[] = [];

  constructor(private readonly onBlock: (lines: Buffer) => void) {}

  push(chunk: Buffer): void {
    let start = 0;
    if (this.pending.length > 0) {
      const nl = chunk.indexOf(10);
      if (nl === -1) {
        this.pending.push(Buffer.from(chunk));
        return;
      }
      this.pending.push(chunk.subarray(0, nl + 1));
      const joined = Buffer.concat(this.pending);
      this.pending = [];
      this.onBlock(joined);
      start = nl + 1;
    }
    const end = chunk.lastIndexOf(10) + 1;
    if (end > start) this.onBlock(chunk.subarray(start, end));
    const rest = Math.max(start, end);
    if (rest < chunk.length) this.pending.push(Buffer.from(chunk.subarray(rest)));
  }

  /** Emits what is left after the stream ended without a final newline, as a line of its own. */
  flush(): void {
    if (this.pending.length === 0) return;
    this.pending.push(NEWLINE);
    const rest = Buffer.concat(this.pending);
    this.pending = [];
    this.onBlock(rest);
  }
}
