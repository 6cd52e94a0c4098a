import type { LineEvent } from '../events.js';

/** A followed line; `time` is the journal entry's time (ms) when the line came from a journal. */
export interface TailLineEvent extends LineEvent {
  time?: number;
}
