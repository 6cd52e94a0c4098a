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
