import { setTimeout as sleep } from 'node:timers/promises';
import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';
import { Semaphore } from './semaphore.js';
import { channelClosed, closeUnread, execOn, execOnChannel, openSessionChannel, refused } from './session-channel.js';
import { SftpKeeper } from './sftp-idle.js';
import { debug } from '../core/debug.js';


// sshd's MaxSessions default: more open channels than this on one connection are refused.
export const MAX_CHANNELS_PER_CONNECTION = 10;
const OPEN_RETRIES = 5;
// A spare that could not be opened is not tried again for this long.
const SPARE_BACKOFF_MS = 10_000;

/** The pre-opened idle session channel of a connection that keeps one (see keepSpare). */
interface Spare {
  ready: Promise<ClientChannel | undefined>;
  channel?: ClientChannel;
  dropped: boolean;
}

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
  private spareWanted = false;
  private spare?: Spare;
  private spareRetryAt = 0;
  /** A run's SFTP session kept open for the next run (takeSftp; counted in busy). */
  readonly sftpKeeper: SftpKeeper;

  constructor(readonly client: Client) {
    this.sftpKeeper = new SftpKeeper(client);
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

  /** The software version the server announced (`OpenSSH_9.2p1`), once the handshake has begun. */
  get serverSoftware(): string | undefined {
    return (this.client as unknown as { _remoteVer?: string })._remoteVer;
  }

  /** When bytes last came from the host (ms since the epoch). */
  get lastReceived(): number {
    return this.lastRx;
  }

  /** Channels open (the spare included) or waiting for a slot right now. */
  get busy(): number {
    return this.channels.held + this.channels.queued;
  }

  /** Idle session channels opened ahead of the next exec (0 or 1; counted in busy too). */
  get spares(): number {
    const spare = this.spare;
    return spare?.channel && !spare.dropped && !channelClosed(spare.channel) ? 1 : 0;
  }

  /** Keeps a run's SFTP session open for the next run (the daemon's kept connections; see SftpKeeper). */
  keepSftp(sftp: SFTPWrapper): void {
    this.sftpKeeper.keep(sftp, this.closed);
  }

  /**
   * From now on the connection keeps one idle session channel open ahead of the next exec (the
   * daemon's kept connections): that exec then costs one round trip (request and data out,
   * output back) instead of two. The spare counts in the MaxSessions budget; it is given up
   * first whenever a run waits for a slot, and replaced in the background once used.
   */
  keepSpare(): void {
    // the first is opened with the first exec request (see openExec), not alone at connect time
    this.spareWanted = true;
  }

  /**
   * Runs `command` on a new channel, with `input` sent right behind the exec request (the first
   * bytes of its stdin; no wait for the request's reply). `attach` is called synchronously with
   * the channel, before any of its events: a fast command's output, exit status and close can
   * arrive in the same packet batch as the reply, before a promise continuation would run.
   */
  async exec(command: string, attach: (channel: ClientChannel) => void, input?: Buffer): Promise<ClientChannel> {
    const spare = await this.takeSpare();
    if (spare) {
      try {
        return await execOn(spare, command, input, attach);
      } catch (err) {
        // sshd closed the spare as the request went out (or the connection went): a refusal is final
        if (this.closed || !channelClosed(spare)) throw err;
        debug('the spare channel was closed under the exec request: opening another');
      }
    }
    const channel = await retryOpen(() => this.openExec(command, attach, input));
    this.ensureSpare();
    return channel;
  }

  private openExec(command: string, attach: (channel: ClientChannel) => void, input: Buffer | undefined): Promise<ClientChannel> {
    return this.openCounted<ClientChannel>(
      (done) =>
        openSessionChannel(this.client, (err, channel) => {
          if (err) done(err, channel);
          else {
            execOnChannel(channel, command, input, (e) => done(e && refused(channel, e), channel));
            // a spare's open rides with the request: its confirmation comes with the reply
            this.ensureSpare();
          }
        }),
      attach,
    );
  }

  /** The spare, taken for an exec (a replacement is opened behind it), or undefined. */
  private async takeSpare(): Promise<ClientChannel | undefined> {
    const spare = this.spare;
    if (!spare || spare.dropped) return undefined;
    this.spare = undefined;
    if (spare.channel && channelClosed(spare.channel)) return this.closedSpare(spare.channel);
    // the replacement's open goes out with the exec request: its confirmation comes back with
    // the reply (sshd answers both at once), no round trip of its own
    this.ensureSpare();
    const channel = await spare.ready;
    if (!channel) return undefined;
    return channelClosed(channel) ? this.closedSpare(channel) : channel;
  }

  /** A spare the host closed while it sat idle: its slot is freed now, another is opened later. */
  private closedSpare(channel: ClientChannel): undefined {
    closeUnread(channel);
    this.spareRetryAt = Date.now() + SPARE_BACKOFF_MS;
    return undefined;
  }

  /** Opens a spare when one is wanted, none is there, and a slot is free with nobody waiting. */
  private ensureSpare(): void {
    if (!this.spareWanted || this.spare || this.closed || Date.now() < this.spareRetryAt) return;
    if (this.channels.held >= MAX_CHANNELS_PER_CONNECTION || this.channels.queued > 0) return;
    const spare: Spare = { dropped: false, ready: Promise.resolve(undefined) };
    this.spare = spare;
    spare.ready = this.openCounted<ClientChannel>((done) => openSessionChannel(this.client, done), undefined, true).then(
      (channel) => {
        spare.channel = channel;
        // closed while idle (by sshd: a ChannelTimeout, or with the connection): replaced later
        channel.once('close', () => {
          if (this.spare !== spare) return;
          this.spare = undefined;
          this.spareRetryAt = Date.now() + SPARE_BACKOFF_MS;
        });
        if (!spare.dropped) return channel;
        closeUnread(channel);
        return undefined;
      },
      (err: Error) => {
        debug('could not open a spare channel: %s', err.message);
        this.spareRetryAt = Date.now() + SPARE_BACKOFF_MS;
        if (this.spare === spare) this.spare = undefined;
        return undefined;
      },
    );
  }

  /** Gives the spare's slot back (closed now, or as soon as its open is confirmed). */
  private dropSpare(): void {
    const spare = this.spare;
    if (!spare) return;
    this.spare = undefined;
    spare.dropped = true;
    if (spare.channel) closeUnread(spare.channel);
  }

  /** A new SFTP session (a channel of its own, counted in the budget until it closes). */
  openSftp(): Promise<SFTPWrapper> {
    return retryOpen(() => this.openCounted<SFTPWrapper>((done) => this.client.sftp(done)));
  }

  /**
   * Opens a channel within the MaxSessions budget: its slot is freed when it closes, or at once
   * when the open fails. `attach` runs synchronously with the channel, before any of its events.
   * A run short of a slot makes the kept SFTP session or the spare give its own up first.
   */
  private async openCounted<T extends { once(event: 'close', listener: () => void): unknown }>(
    open: (done: (err: Error | undefined, channel: T) => void) => void,
    attach?: (channel: T) => void,
    isSpare = false,
  ): Promise<T> {
    if (!isSpare && this.channels.held >= MAX_CHANNELS_PER_CONNECTION) {
      // the kept SFTP session gives its slot up first, then the spare
      if (this.sftpKeeper.count > 0) this.sftpKeeper.take()?.end();
      else this.dropSpare();
    }
    const acquired = await this.channels.acquire();
    const release = (): void => {
      acquired();
      this.ensureSpare();
    };
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
    this.spareWanted = false;
    this.sftpKeeper.take()?.end();
    this.client.end();
  }

  /** Drops the connection at once (a dead one: no goodbye will get through). */
  destroy(): void {
    this.client.destroy();
  }
}

/**
 * sshd frees a closed session a moment after ssh2 reports it closed: a quick reopen can be
 * refused although fewer than MaxSessions are open. It is worth a few retries.
 */
async function retryOpen<T>(open: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await open();
    } catch (err) {
      if (attempt >= OPEN_RETRIES || !/Channel open failure/.test((err as Error).message)) throw err;
      await sleep(25 * attempt);
    }
  }
}
