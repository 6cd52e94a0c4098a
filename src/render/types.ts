import type { Writable } from 'node:stream';
import type { HostEvent } from '../ops/events.js';
import type { HostResult } from '../ops/result.js';

/** Where a renderer writes; injectable so tests can capture output. */
export interface RenderStreams {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
}

/** Turns a run's events into output of one form (streamed lines, gathered blocks, NDJSON, files). */
export interface Renderer {
  handle(event: HostEvent): void;
  /** Called once after every host is done; writes what was held back. */
  finish(results: readonly HostResult[]): Promise<void>;
}
