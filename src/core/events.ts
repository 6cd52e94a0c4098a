import type { HostResult } from './result.js';

/** A whole line of remote output, without its newline; bytes are passed through unchanged. */
export interface LineEvent {
  type: 'stdout' | 'stderr';
  host: string;
  line: Buffer;
  /** Set by commands that follow several things per host (tail targets). */
  target?: string;
  /**
   * The line goes on in the next event of the same host and stream: it was longer than
   * MAX_LINE_BYTES and is passed on in pieces (text output marks the cut; -b, --json and
   * --out-dir join the pieces).
   */
  partial?: boolean;
}

/**
 * What ends a piece of a cut line (LineEvent.partial) in text output, before the newline: a
 * backslash, as in a continued shell line.
 */
export const CUT_MARK = Buffer.from('\\');

/**
 * What core code reports while it works. Renderers turn these into text; nothing
 * in core prints. `done` carries the host's final result and comes exactly once per host.
 */
export type HostEvent =
  | { type: 'connecting'; host: string }
  | { type: 'connected'; host: string }
  | LineEvent
  | { type: 'notice'; host: string; message: string }
  | { type: 'retry'; host: string; attempt: number; delayMs: number; error: string }
  | { type: 'done'; host: string; result: HostResult };

export type Emit = (event: HostEvent) => void;
