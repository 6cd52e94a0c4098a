import type { HostEvent } from '../ops/events.js';
import type { OutStream, RenderStreams } from './types.js';

/** The progress line and the streams that print around it. */
export interface Progress {
  /**
   * `streams` for the renderer: on the terminal, each write first erases the progress line and
   * redraws it after a whole line, so that no output is ever glued to it.
   */
  streams: RenderStreams;
  handle(event: HostEvent): void;
  /** A line of isuops's own (Ctrl-C) on stderr, on a line of its own. */
  say(line: string): void;
  /** Erases the line for good (before the summary). */
  clear(): void;
}

const ERASE = '\r\u001b[2K';

/**
 * "hosts done / total" on a TTY's stderr, redrawn in place; a no-op in pipes.
 * Used when nothing streams to the terminal (-b, --json, --out-dir).
 */
export function createProgress(streams: RenderStreams, total: number): Progress {
  const enabled = Boolean(streams.stderr.isTTY) && total > 1;
  let done = 0;
  let shown = false;
  let cleared = false;
  const erase = (): void => {
    if (shown) streams.stderr.write(ERASE);
    shown = false;
  };
  const draw = (): void => {
    if (!enabled || cleared || done === 0) return;
    streams.stderr.write(`${ERASE}isuops: ${done}/${total} hosts done`);
    shown = true;
  };
  // Only a stream on the terminal shares the progress line's screen.
  const around = (stream: OutStream): OutStream =>
    !enabled || !stream.isTTY
      ? stream
      : {
          isTTY: stream.isTTY,
          write(chunk: string | Uint8Array): boolean {
            erase();
            const ok = stream.write(chunk);
            // Redrawn after a whole line only: a piece of a line stays where it is.
            if (endsWithNewline(chunk)) draw();
            return ok;
          },
        };
  return {
    streams: { stdout: around(streams.stdout), stderr: around(streams.stderr) },
    handle(event: HostEvent): void {
      if (!enabled || event.type !== 'done') return;
      done += 1;
      draw();
    },
    say(line: string): void {
      // The terminal's echoed ^C sits on the progress line, which is erased with it; else a new line.
      const text = shown ? `${line}\n` : `\n${line}\n`;
      erase();
      streams.stderr.write(text);
      draw();
    },
    clear(): void {
      erase();
      cleared = true;
    },
  };
}

function endsWithNewline(chunk: string | Uint8Array): boolean {
  return typeof chunk === 'string' ? chunk.endsWith('\n') : chunk.length > 0 && chunk[chunk.length - 1] === 10;
}
