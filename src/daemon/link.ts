import { spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { batchedWriter } from './batch.js';
import type { DaemonPaths } from './paths.js';
import { encodeFrame, FrameReader, Kind } from './protocol.js';
import { debug } from '../core/debug.js';

// How long a run waits for a daemon it started to listen before connecting directly.
const START_WAIT_MS = 3000;

/** What a link delivers to the session or process an id belongs to. */
export type FrameHandler = (kind: number, payload: Buffer) => void;

/**
 * A run's one connection to the daemon. Ids are the run's own; frames for an id go to the handler
 * registered for it. When the daemon goes away, every handler hears `gone`.
 */
export class DaemonLink {
  private nextId = 1;
  private readonly handlers = new Map<number, FrameHandler>();
  private readonly goneListeners = new Set<() => void>();
  private closed = false;
  private readonly write: (chunk: Buffer) => boolean;

  constructor(private readonly socket: net.Socket) {
    this.write = batchedWriter(socket);
    const reader = new FrameReader((kind, id, payload) => this.handlers.get(id)?.(kind, payload));
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    socket.on('error', (err) => debug('daemon link: %s', err.message));
    socket.on('close', () => {
      this.closed = true;
      for (const l of [...this.goneListeners]) l();
    });
  }

  get gone(): boolean {
    return this.closed;
  }

  id(): number {
    return this.nextId++;
  }

  on(id: number, handler: FrameHandler): void {
    this.handlers.set(id, handler);
  }

  off(id: number): void {
    this.handlers.delete(id);
  }

  onGone(listener: () => void): () => void {
    this.goneListeners.add(listener);
    return () => this.goneListeners.delete(listener);
  }

  send(kind: number, id: number, payload?: Buffer | object): void {
    if (this.closed) return;
    this.write(encodeFrame(kind, id, payload));
  }

  close(): void {
    this.socket.end();
  }

  /** One request, one reply (status, stop). */
  request(kind: number, payload?: object): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const id = this.id();
      const off = this.onGone(() => reject(new Error('the daemon closed the connection')));
      this.on(id, (_k, payload) => {
        off();
        this.off(id);
        resolve(payload);
      });
      this.send(kind, id, payload);
    });
  }
}

// A link a warm worker opened before its run came (src/warm/worker.ts): the run's first reach takes it.
let preset: DaemonLink | undefined;

export function presetLink(link: DaemonLink): void {
  preset = link;
}

function connectSocket(file: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(file);
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Connects and says hello (the token from the daemon's 0600 file, this build's id); pipelining may follow at once. */
export async function openLink(paths: DaemonPaths): Promise<DaemonLink> {
  const socket = await connectSocket(paths.socket);
  const token = readFileSync(paths.token, 'utf8').trim();
  socket.write(encodeFrame(Kind.hello, 0, { token, build: paths.build, pid: process.pid }));
  return new DaemonLink(socket);
}

/** Starts a daemon for this build: detached, in a session of its own, logging beside its socket. */
export function startDaemon(paths: DaemonPaths): void {
  const log = openSync(paths.log, 'a', 0o600);
  const script = process.argv[1];
  if (!script) throw new Error('cannot tell how isuops was started');
  const child = spawn(process.execPath, [script, 'daemon', 'run'], { detached: true, stdio: ['ignore', log, log], env: process.env });
  child.unref();
  debug('daemon: started pid %d', child.pid);
}

/**
 * The run's link to the daemon: the running one, else one this run starts (when `start`).
 * undefined when there is none to be had: the run then connects directly, saying nothing.
 */
export async function reachDaemon(paths: DaemonPaths, start: boolean): Promise<DaemonLink | undefined> {
  const ready = preset;
  preset = undefined;
  if (ready && !ready.gone) return ready;
  try {
    return await openLink(paths);
  } catch (err) {
    debug('daemon: none on %s (%s)', paths.socket, (err as Error).message);
  }
  if (!start) return undefined;
  try {
    startDaemon(paths);
  } catch (err) {
    debug('daemon: could not start one: %s', (err as Error).message);
    return undefined;
  }
  const deadline = Date.now() + START_WAIT_MS;
  for (let wait = 10; Date.now() < deadline; wait = Math.min(wait * 2, 100)) {
    await sleep(wait);
    try {
      return await openLink(paths);
    } catch {}
  }
  debug('daemon: the one started did not listen within %d ms', START_WAIT_MS);
  return undefined;
}
