import { fork, type ChildProcess } from 'node:child_process';
import type net from 'node:net';
import { encodeFrame } from '../daemon/protocol.js';
import { idleTime, quietTime, refillAction, YOUNG_MS } from './refill.js';
import { WarmKind, type Invocation } from './wire.js';

// A run that finds no spare ready waits this long for the one booting, else runs in its client.
const WAIT_FOR_BOOT_MS = 250;
// Workers that die before they are ready this many times in a row: no more are started.
const MAX_FAILED_BOOTS = 3;

interface Waiting {
  socket: net.Socket;
  invocation: Invocation;
  timer: NodeJS.Timeout;
}

export interface WarmStatus {
  ready: number;
  /** 1 while a spare boots (one at a time), else 0. */
  booting: number;
  runs: number;
}

/** Removes `item` from `list` when it is there. */
function remove<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i !== -1) list.splice(i, 1);
}

/**
 * The daemon's warm workers (src/warm/worker.ts): spares that have the CLI loaded, each handed one
 * client connection (with the invocation) and then gone. Used spares are replaced once the daemon
 * has been quiet for a while (refill.ts): the daemon calls touch() for every frame of a run.
 */
export class WarmPool {
  private readonly ready: ChildProcess[] = [];
  private booting: ChildProcess | undefined;
  private readonly waiting: Waiting[] = [];
  /** Workers running a run, and when they were handed it. */
  private readonly running = new Map<ChildProcess, number>();
  private lastActivity = Date.now();
  private readonly quietMs = quietTime(process.env);
  private readonly idleMs = idleTime(process.env);
  private quietTimer: NodeJS.Timeout | undefined;
  private failedBoots = 0;
  private closed = false;
  // the invocation handed out last: ready spares rehearse it (worker.ts), the next run is often the same
  private last: Invocation | undefined;
  runs = 0;

  constructor(
    private readonly script: string,
    private readonly build: string,
    private readonly log: (message: string) => void,
    /** When bytes last came from any host (ms since the epoch): the hosts answering a run is activity too. */
    private readonly lastHostBytes: () => number = () => 0,
  ) {}

  status(): WarmStatus {
    return { ready: this.ready.length, booting: this.booting ? 1 : 0, runs: this.runs };
  }

  /** A run did something (a frame either way): spares wait for the quiet after it. */
  touch(): void {
    this.lastActivity = Date.now();
  }

  /**
   * Boots a spare if one is due (refill.ts): now when none is left, else once the daemon has been
   * quiet long enough (asked again then). Called when that may have changed: a run given or ended.
   */
  fill(): void {
    const now = Date.now();
    let youngest = 0;
    for (const at of this.running.values()) youngest = Math.max(youngest, at);
    const action = refillAction({
      ready: this.ready.length,
      booting: this.booting !== undefined,
      quietMs: now - Math.max(this.lastActivity, this.lastHostBytes()),
      youngForMs: Math.max(0, youngest + YOUNG_MS - now),
      quietNeeded: this.quietMs,
      idleNeeded: this.idleMs,
      stopped: this.closed || this.failedBoots >= MAX_FAILED_BOOTS,
    });
    if (action.do === 'boot') {
      clearTimeout(this.quietTimer);
      this.quietTimer = undefined;
      this.boot();
    } else if (action.do === 'wait' && !this.quietTimer) {
      this.quietTimer = setTimeout(() => {
        this.quietTimer = undefined;
        this.fill();
      }, action.ms);
      this.quietTimer.unref();
    }
  }

  private boot(): void {
    if (this.closed || this.booting) return;
    let child: ChildProcess;
    try {
      child = fork(this.script, ['__warm-worker', this.build], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    } catch (err) {
      this.failedBoots += 1;
      this.log(`warm worker: could not start: ${(err as Error).message}`);
      return;
    }
    this.booting = child;
    child.once('message', (msg: { type?: string }) => {
      if (msg?.type !== 'ready' || this.booting !== child) return;
      this.booting = undefined;
      this.failedBoots = 0;
      this.ready.push(child);
      // not while a run goes on: it would take CPU from it
      if (this.running.size === 0) this.hint([child]);
      const next = this.waiting.shift();
      if (next) {
        clearTimeout(next.timer);
        this.give(next.socket, next.invocation);
      }
      this.fill();
    });
    child.once('exit', (code, signal) => {
      if (this.booting === child) {
        this.booting = undefined;
        this.failedBoots += 1;
        this.log(`warm worker ${child.pid} ended before it was ready (${signal ?? code})`);
      }
      remove(this.ready, child);
      // the last run ended: the spares rehearse it now
      if (this.running.delete(child) && this.running.size === 0) this.hint(this.ready);
      this.fill();
    });
  }

  /** Gives the client's connection to a spare, else tells the client to run it itself. */
  hand(socket: net.Socket, invocation: Invocation): void {
    this.touch();
    if (this.ready.length > 0) return this.give(socket, invocation);
    this.fill();
    if (!this.booting) return fallBack(socket, 'no warm worker');
    const w: Waiting = { socket, invocation, timer: setTimeout(() => {
      remove(this.waiting, w);
      fallBack(socket, 'no warm worker ready in time');
    }, WAIT_FOR_BOOT_MS) };
    socket.once('close', () => {
      clearTimeout(w.timer);
      remove(this.waiting, w);
    });
    this.waiting.push(w);
  }

  private give(socket: net.Socket, invocation: Invocation): void {
    const child = this.ready.shift();
    if (!child) return fallBack(socket, 'no warm worker');
    if (socket.destroyed) {
      this.ready.unshift(child);
      return;
    }
    this.runs += 1;
    this.running.set(child, Date.now());
    this.last = invocation;
    child.send({ type: 'run', invocation }, socket, (err) => {
      if (err) fallBack(socket, `the warm worker could not take it: ${err.message}`);
    });
    // the last spare taken: its replacement boots now, not after the run
    this.fill();
  }

  private hint(spares: ChildProcess[]): void {
    if (this.last === undefined) return;
    for (const child of spares) if (child.connected) child.send({ type: 'rehearse', invocation: this.last }, () => undefined);
  }

  /** Spares end (their IPC channel closes); workers running a run finish it. */
  close(): void {
    this.closed = true;
    clearTimeout(this.quietTimer);
    for (const w of this.waiting.splice(0)) {
      clearTimeout(w.timer);
      fallBack(w.socket, 'the daemon is stopping');
    }
    for (const child of this.ready.splice(0)) child.kill();
    this.booting?.kill();
  }
}

function fallBack(socket: net.Socket, why: string): void {
  if (!socket.destroyed) socket.end(encodeFrame(WarmKind.fallback, 0, why));
}
