import { writeSync } from 'node:fs';
import { Chalk } from 'chalk';
import type { HostResult } from '../../core/result.js';
import type { TopEvent } from '../../ops/top/events.js';
import type { TopBoard } from './board.js';
import type { TopView } from './ndjson.js';
import { formatTable, SORT_KEYS, type SortKey, type Span, type Style } from './table.js';

const ENTER = '\u001b[?1049h\u001b[?25l'; // alternate screen, cursor hidden
const LEAVE = '\u001b[?25h\u001b[?1049l';
const HOME = '\u001b[H';
const CLEAR_LINE_END = '\u001b[K';
const CLEAR_BELOW = '\u001b[J';

export interface ScreenOptions {
  board: TopBoard;
  hosts: readonly string[];
  intervalSec: number;
  color: boolean;
  /** `q`: the run ends (exit 0 when every host was sampling). */
  onQuit: () => void;
  /** Ctrl-C, which raw mode delivers as a key: the run ends as interrupted (130). */
  onInterrupt: () => void;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
}

/** A TopView that can also be closed early (the terminal given back) on any way out. */
export interface ScreenView extends TopView {
  close(): void;
}

/**
 * `top` on a terminal: the table full-screen (alternate screen, cursor hidden, keys read raw),
 * redrawn every interval, on a key and on a resize. The terminal is given back however the run
 * ends: finish(), close(), or the process exiting (process.exit on a second Ctrl-C).
 */
export function createScreenView(opts: ScreenOptions): ScreenView {
  const stdout = opts.stdout ?? process.stdout;
  const stdin = opts.stdin ?? process.stdin;
  const chalk = new Chalk({ level: opts.color ? 1 : 0 });
  const paint: Record<Style, (t: string) => string> = {
    plain: (t) => t,
    title: (t) => chalk.bold(t),
    header: (t) => chalk.inverse(t),
    sorted: (t) => chalk.inverse.bold.underline(t),
    worst: (t) => chalk.red.bold(t),
    problem: (t) => chalk.red(t),
    dim: (t) => chalk.dim(t),
  };
  let sort: SortKey = 'host';
  let showProcesses = false;
  let open = true;
  const keys = Boolean(stdin.isTTY);

  const draw = (): void => {
    if (!open) return;
    const lines = formatTable(opts.board.list(), {
      columns: stdout.columns ?? 80,
      rows: stdout.rows ?? 24,
      sort,
      showProcesses,
      intervalSec: opts.intervalSec,
      now: Date.now(),
    });
    const text = lines.map((spans: Span[]) => spans.map((s) => paint[s.style](s.text)).join('') + CLEAR_LINE_END).join('\r\n');
    stdout.write(`${HOME}${text}${CLEAR_BELOW}`);
  };

  const onData = (chunk: Buffer): void => {
    const text = chunk.toString('latin1');
    // Arrow keys and the like: not ours.
    if (text.startsWith('\u001b')) return;
    for (const key of text) {
      if (key === 'q' || key === 'Q') opts.onQuit();
      else if (key === '\u0003') opts.onInterrupt();
      else if (key === 's') sort = SORT_KEYS[(SORT_KEYS.indexOf(sort) + 1) % SORT_KEYS.length];
      else if (key === 'S') sort = SORT_KEYS[(SORT_KEYS.indexOf(sort) + SORT_KEYS.length - 1) % SORT_KEYS.length];
      else if (key === 'p' || key === 'P') showProcesses = !showProcesses;
    }
    draw();
  };

  // Written synchronously: this may run from process.exit.
  const restore = (): void => {
    if (!open) return;
    open = false;
    stdout.off('resize', draw);
    if (keys) {
      stdin.off('data', onData);
      try {
        stdin.setRawMode(false);
      } catch {
        // the terminal is gone already
      }
      stdin.pause();
    }
    try {
      writeSync((stdout as NodeJS.WriteStream & { fd?: number }).fd ?? 1, LEAVE);
    } catch {
      stdout.write(LEAVE);
    }
    process.off('exit', restore);
  };

  stdout.write(ENTER);
  if (keys) {
    stdin.setRawMode(true);
    stdin.on('data', onData);
    stdin.resume();
  }
  stdout.on('resize', draw);
  process.on('exit', restore);
  draw();

  return {
    handle(_event: TopEvent): void {},
    tick: () => draw(),
    async finish(_results: readonly HostResult[]): Promise<void> {
      restore();
    },
    close: restore,
  };
}
