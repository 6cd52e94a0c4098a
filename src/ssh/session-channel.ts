import type { Client, ClientChannel } from 'ssh2';
import { nameToBytes } from '../core/byte-names.js';

/**
 * The one place that drives ssh2's session channels below its public API, which has no way to
 * open a session without a request, nor to send data before the exec request's reply. What it
 * relies on (ssh2 1.x: lib/client.js openChannel and reqExec, lib/Channel.js) is pinned by
 * test/unit/ssh/session-channel.test.ts, so a minor ssh2 update that moves it fails there.
 */

// ssh2's own window and packet size for the channels it opens (lib/Channel.js MAX_WINDOW, PACKET_SIZE).
export const SSH2_MAX_WINDOW = 2 * 1024 * 1024;
export const SSH2_PACKET_SIZE = 32 * 1024;

type OpenCallback = ((err: Error | undefined, channel: ClientChannel) => void) & { type?: string };

/** What of ssh2's Client this uses. */
export interface ClientInternals {
  _chanMgr: { add(cb: OpenCallback): number };
  _protocol: {
    session(localId: number, window: number, packetSize: number): void;
    exec(remoteId: number, command: string | Buffer, wantReply: boolean): void;
  };
}

/** What of ssh2's Channel this uses. */
export interface ChannelInternals {
  outgoing: { id: number; state: string };
  incoming: { state: string };
  _callbacks: Array<(failed: boolean | Error) => void>;
  subtype?: string;
  allowHalfOpen: boolean;
}

/**
 * Opens a session channel and sends nothing on it yet (SSH_MSG_CHANNEL_OPEN "session"), as
 * ssh2's openChannel does: `done` gets the channel on the open confirmation, or the error of an
 * open failure ("(SSH) Channel open failure: ...") or of a connection that went first.
 */
export function openSessionChannel(client: Client, done: (err: Error | undefined, channel: ClientChannel) => void): void {
  const c = client as unknown as ClientInternals & { _sock?: { writable?: boolean } };
  if (!c._sock || c._sock.writable === false) throw new Error('Not connected');
  const callback: OpenCallback = (err, channel) => done(err, channel);
  callback.type = 'session';
  const localId = c._chanMgr.add(callback);
  if (localId === -1) {
    done(new Error('No free channels available'), undefined as never);
    return;
  }
  c._protocol.session(localId, SSH2_MAX_WINDOW, SSH2_PACKET_SIZE);
}

/**
 * Sends the exec request on an open session channel (want reply) and queues `input` behind it,
 * as OpenSSH's ssh does with its stdin (clientloop.c client_session2_setup sends "exec" and goes
 * on reading stdin into the channel). ssh2 sends the bytes as soon as the window allows: sshd
 * opens a session with a window of 0 (serverloop.c server_request_session) and opens it when it
 * runs the command, just before its reply, so they go out on that window adjust, with no wait
 * for the reply nor for whoever asked (the daemon's CLI). A refused request never opens the
 * window: nothing is sent, and `done` gets ssh2's own error for it, "Unable to exec". The reply
 * settles `done`: the channel, or the error.
 */
export function execOnChannel(
  channel: ClientChannel,
  command: string,
  input: Buffer | undefined,
  done: (err: Error | undefined, channel: ClientChannel) => void,
): void {
  const ch = channel as unknown as ChannelInternals;
  if (ch.outgoing.state !== 'open') {
    done(new Error('Channel is not open'), channel);
    return;
  }
  ch._callbacks.push((failed) => {
    if (failed) {
      done(failed !== true ? failed : new Error('Unable to exec'), channel);
      return;
    }
    ch.subtype = 'exec';
    ch.allowHalfOpen = true;
    done(undefined, channel);
  });
  const client = (channel as unknown as { _client: ClientInternals })._client;
  // the command's bytes as given (isuops's form: bytes that are not UTF-8 are lone surrogates), as ssh sends its argv
  client._protocol.exec(ch.outgoing.id, nameToBytes(command), true);
  if (input && input.length > 0) channel.write(input);
}

/** The channel was closed (by the host, or with its connection), not refused a request on an open one. */
export function channelClosed(channel: ClientChannel): boolean {
  return (channel as unknown as ChannelInternals).incoming.state === 'closed';
}

/** Sends the exec request (and `input`) on an open channel; `attach` runs on the reply, synchronously. */
export function execOn(channel: ClientChannel, command: string, input: Buffer | undefined, attach: (channel: ClientChannel) => void): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    execOnChannel(channel, command, input, (err) => {
      if (err) {
        reject(refused(channel, err));
        return;
      }
      attach(channel);
      resolve(channel);
    });
  });
}

/** A refused exec request: its channel is closed (ssh2's own exec leaves it open), the error goes on. */
export function refused(channel: ClientChannel, err: Error): Error {
  if (!channelClosed(channel)) channel.close();
  return err;
}

/**
 * Closes a channel that nobody reads (a spare): ssh2 emits 'close', which frees its slot, only
 * after 'end', which an unread stream never emits. A spare is left unread until it is taken, so
 * that whoever takes it gets its output from the first byte, whenever it attaches.
 */
export function closeUnread(channel: ClientChannel): void {
  channel.resume();
  if (!channelClosed(channel)) channel.close();
}
