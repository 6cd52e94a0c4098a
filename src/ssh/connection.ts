import { setTimeout as sleep } from 'node:timers/promises';
import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';
import { Semaphore } from './semaphore.js';

// sshd's MaxSessions default: more open channels than this on one connection are refused.
export const MAX_CHANNELS_PER_CONNECTION = 10;
const OPEN_RETRIES = 5;

/**
 * One authenticated ssh2 connection and its channel budget: whoever opens channels on it (one
 * run, or every run the daemon serves) goes through here, so that no more than MaxSessions are
 * open at once; the rest wait their turn.
 */
export class SshConnection {
  private readonly channels = new Semaphore(MAX_CHANNELS_PER_CONNECTION);
  private closed = false;
  private lastError: string | undefined;
  private readonly lostListeners: Array<(reason: string) => void> = [];
  private lastRx = Date.now();

  constructor(readonly client: Client) {
    // Any bytes from the host prove the connection alive (the daemon's liveness check).
    (client as unknown as { _sock?: NodeJS.EventEmitter })._sock?.on('data', () => {
      this.lastRx = Date.now();
    });
    client.on('error', (err: Error) => {
      this.lastError = err.message;
    });
    // ssh2 emits 'close' before it fails the channels and requests still open: an op that
    // catches those failures can already tell a lost connection from an error of its own.
    client.once('close', () => {
      this.closed = true;
      const reason = this.lastError ?? 'connection closed by the host';
      for (const listener of this.lostListeners.splice(0)) listener(reason);
    });
  }

  /** The connection is gone: dropped or reset (or ended by end()). */
  get lost(): boolean {
    return this.closed;
  }

  /** Calls `listener` once when the connection goes, with the last error ssh2 reported on it. */
  onLost(listener: (reason: string) => void): void {
    if (this.closed) listener(this.lastError ?? 'connection closed by the host');
    else this.lostListeners.push(listener);
  }

  /** When bytes last came from the host (ms since the epoch). */
  get lastReceived(): number {
    return this.lastRx;
  }

  /** Channels open or waiting for a slot right now. */
  get busy(): number {
    return this.channels.held + this.channels.queued;
  }

  /**
   * Runs `command` on a new channel. `attach` is called synchronously with the channel, before
   * any of its events: a fast command's output, exit status and close can arrive in the same
   * packet batch as the open confirmation, before a promise continuation would run.
   */
  async exec(command: string, attach: (channel: ClientChannel) => void): Promise<ClientChannel> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.openExec(command, attach);
      } catch (err) {
        // sshd frees a closed session a moment after ssh2 reports it closed: a quick reopen
        // can be refused although fewer than MaxSessions are open. It is worth a few retries.
        if (attempt >= OPEN_RETRIES || !/Channel open failure/.test((err as Error).message)) throw err;
        await sleep(25 * attempt);
      }
    }
  }

  private openExec(command: string, attach: (channel: ClientChannel) => void): Promise<ClientChannel> {
    return this.openCounted<ClientChannel>((done) => this.client.exec(command, done), attach);
  }

  /** A new SFTP session (a channel of its own, counted in the budget until it closes). */
  openSftp(): Promise<SFTPWrapper> {
    return this.openCounted<SFTPWrapper>((done) => this.client.sftp(done));
  }

  /**
   * Opens a channel within the MaxSessions budget: its slot is freed when it closes, or at once
   * when the open fails. `attach` runs synchronously with the channel, before any of its events.
   */
  private async openCounted<T extends { once(event: 'close', listener: () => void): unknown }>(
    open: (done: (err: Error | undefined, channel: T) => void) => void,
    attach?: (channel: T) => void,
  ): Promise<T> {
    const release = await this.channels.acquire();
    return new Promise<T>((resolve, reject) => {
      try {
        open((err, channel) => {
          if (err) {
            release();
            reject(err);
            return;
          }
          channel.once('close', release);
          attach?.(channel);
          resolve(channel);
        });
      } catch (err) {
        // ssh2 throws when the connection is already gone
        release();
        reject(err);
      }
    });
  }

  end(): void {
    this.client.end();
  }

  /** Drops the connection at once (a dead one: no goodbye will get through). */
  destroy(): void {
    this.client.destroy();
  }
}
