import { fork, type ChildProcess } from 'node:child_process';
import type net from 'node:net';
import { encodeFrame } from '../daemon/protocol.js';
import { WarmKind, type Invocation } from './wire.js';

// Spare workers kept booted; one boots at a time, so that booting never takes both cores from a run.
const SPARES = 2;
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
  runs: number;
}

/**
 * The daemon's warm workers (src/warm/worker.ts): spares that have the CLI loaded, each handed one
 * client connection (with the invocation) and then gone. Refilled once the daemon has served a run
 * (never while the run that started the daemon is still going) and whenever a worker ends.
 */
export class WarmPool {
  private readonly ready: ChildProcess[] = [];
  private booting: ChildProcess | undefined;
  private readonly waiting: Waiting[] = [];
  private failedBoots = 0;
  private closed = false;
  runs = 0;

  constructor(
    private readonly script: string,
    private readonly build: string,
    private readonly log: (message: string) => void,
  ) {}

  status(): WarmStatus {
    return { ready: this.ready.length, runs: this.runs };
  }

  /** Boots one more spare when fewer than SPARES are ready or booting. */
  fill(): void {
    if (this.closed || this.booting || this.ready.length >= SPARES || this.failedBoots >= MAX_FAILED_BOOTS) return;
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
      const next = this.waiting.shift();
      if (next) {
        clearTimeout(next.timer);
        this.give(next.socket, next.invocation);
      }
      this.fill();
    });
    child.once('exit', (code, signal) => {
      const wasBooting = this.booting === child;
      if (wasBooting) {
        this.booting = undefined;
        this.failedBoots += 1;
        this.log(`warm worker ${child.pid} ended before it was ready (${signal ?? code})`);
      }
      const i = this.ready.indexOf(child);
      if (i !== -1) this.ready.splice(i, 1);
      this.fill();
    });
  }

  /** Gives the client's connection to a spare, else tells the client to run it itself. */
  hand(socket: net.Socket, invocation: Invocation): void {
    if (this.ready.length > 0) return this.give(socket, invocation);
    this.fill();
    if (!this.booting) return fallBack(socket, 'no warm worker');
    const w: Waiting = { socket, invocation, timer: setTimeout(() => {
      const i = this.waiting.indexOf(w);
      if (i !== -1) this.waiting.splice(i, 1);
      fallBack(socket, 'no warm worker ready in time');
    }, WAIT_FOR_BOOT_MS) };
    socket.once('close', () => {
      clearTimeout(w.timer);
      const i = this.waiting.indexOf(w);
      if (i !== -1) this.waiting.splice(i, 1);
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
    child.send({ type: 'run', invocation }, socket, (err) => {
      if (err) fallBack(socket, `the warm worker could not take it: ${err.message}`);
    });
  }

  /** Spares end (their IPC channel closes); workers running a run finish it. */
  close(): void {
    this.closed = true;
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
