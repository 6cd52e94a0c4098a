import type { HostEvent, LineEvent } from '../events.js';

/** A followed line; `time` is the journal entry's time (ms) when the line came from a journal. */
export interface TailLineEvent extends LineEvent {
  time?: number;
}

/**
 * Followed lines in bulk: `lines` holds whole lines, each ending in `\n`, in the order the
 * host sent them. A file followed without a filter arrives this way: no per-line work in core.
 */
export interface TailLinesEvent {
  type: 'stdout-lines';
  host: string;
  target: string;
  lines: Buffer;
}

/** What tail reports: every HostEvent, plus followed lines in bulk. */
export type TailEvent = HostEvent | TailLinesEvent;

export type TailEmit = (event: TailEvent) => void;
