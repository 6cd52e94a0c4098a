import type { HostEvent } from '../ops/events.js';
import type { HostResult } from '../ops/result.js';

/** What a renderer writes to: a stream's write() (false when its buffer is full) and whether it is a TTY. */
export interface OutStream {
  write(chunk: string | Uint8Array): boolean;
  isTTY?: boolean;
  /** Settles once the stream takes more (after write() returned false); absent: never wait. */
  drained?(): Promise<void>;
}

/** Where a renderer writes; injectable so tests can capture output. */
export interface RenderStreams {
  stdout: OutStream;
  stderr: OutStream;
}

/** Turns a run's events into output of one form (streamed lines, gathered blocks, NDJSON, files). */
export interface Renderer {
  handle(event: HostEvent): void;
  /** Called once after every host is done; writes what was held back. */
  finish(results: readonly HostResult[]): Promise<void>;
}
