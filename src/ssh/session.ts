import { setTimeout as sleep } from 'node:timers/promises';
import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';
import { Semaphore } from './semaphore.js';
import type { ResolvedHost } from './types.js';

// sshd's MaxSessions default: more open channels than this on one connection are refused.
export const MAX_CHANNELS_PER_CONNECTION = 10;
const OPEN_RETRIES = 5;

/**
 * One host's connection as ops see it: channels are opened through here so that no
 * more than MaxSessions are open at once, and the sftp session is opened once and reused.
 */
export class HostSession {
  private readonly channels = new Semaphore(MAX_CHANNELS_PER_CONNECTION);
  private sftpSession?: Promise<SFTPWrapper>;
  private closed = false;

  constructor(
    readonly host: ResolvedHost,
    readonly client: Client,
  ) {
    // ssh2 emits 'close' before it fails the channels and requests still open: an op that
    // catches those failures can already tell a lost connection from an error of its own.
    client.once('close', () => (this.closed = true));
  }

  /** The connection is gone: dropped or reset under the run (or ended by close()). */
  get lost(): boolean {
    return this.closed;
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

  private async openExec(command: string, attach: (channel: ClientChannel) => void): Promise<ClientChannel> {
    const release = await this.channels.acquire();
    return new Promise((resolve, reject) => {
      this.client.exec(command, (err, channel) => {
        if (err) {
          release();
          reject(err);
          return;
        }
        channel.once('close', release);
        attach(channel);
        resolve(channel);
      });
    });
  }

  /** The host's one SFTP session (a channel of its own), opened on first use. */
  sftp(): Promise<SFTPWrapper> {
    this.sftpSession ??= this.channels.acquire().then(
      (release) =>
        new Promise<SFTPWrapper>((resolve, reject) => {
          this.client.sftp((err, sftp) => {
            if (err) {
              release();
              reject(err);
              return;
            }
            sftp.once('close', release);
            resolve(sftp);
          });
        }),
    );
    return this.sftpSession;
  }

  close(): void {
    this.client.end();
  }
}
