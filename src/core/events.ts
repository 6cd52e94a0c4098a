import type { HostResult } from './result.js';

/** A whole line of remote output, without its newline; bytes are passed through unchanged. */
export interface LineEvent {
  type: 'stdout' | 'stderr';
  host: string;
  line: Buffer;
  /** Set by commands that follow several things per host (tail targets). */
  target?: string;
}

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
