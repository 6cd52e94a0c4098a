import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import ssh2, { type Client, type ClientChannel, type ServerChannel } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, until } from './test-server-client.js';
import { MAX_CHANNELS_PER_CONNECTION, SshConnection } from '../../../src/ssh/connection.js';
import { execOnChannel, openSessionChannel, SSH2_MAX_WINDOW, SSH2_PACKET_SIZE } from '../../../src/ssh/session-channel.js';

// src/ssh/session-channel.ts drives ssh2 below its public API: these tests pin what it relies on
// (an ssh2 update that moves it fails here) against ssh2's own server, in this process.
const require = createRequire(import.meta.url);

interface Seen {
  opens: number;
  execs: string[];
  stdin: string[];
  closes: number;
}

/** An ssh2 server: sessions as sshd's MaxSessions (10 at once, the 11th refused), exec of `refuse` refused. */
function startServer(): Promise<{ port: number; seen: Seen; idle: Array<() => void>; close: () => void }> {
  // closes each session opened so far from the host's side (the last one: idle.at(-1))
  const idle: Array<() => void> = [];
  let vanished = false;
  const seen: Seen = { opens: 0, execs: [], stdin: [], closes: 0 };
  // ssh2's generateKeyPairSync now and then writes an ed25519 key its own parser refuses: another one
  let hostKey = ssh2.utils.generateKeyPairSync('ed25519').private;
  while (ssh2.utils.parseKey(hostKey) instanceof Error) hostKey = ssh2.utils.generateKeyPairSync('ed25519').private;
  const server = new ssh2.Server({ hostKeys: [hostKey] }, (client) => {
    // sessions open on this connection (MaxSessions is per connection)
    let open = 0;
    client.on('authentication', (ctx) => ctx.accept());
    client.on('session', (accept, reject) => {
      if (open >= MAX_CHANNELS_PER_CONNECTION) {
        reject();
        return;
      }
      seen.opens += 1;
      open += 1;
      const session = accept();
      let stream: ServerChannel | undefined;
      const gone = (): void => {
        open -= 1;
        seen.closes += 1;
      };
      session.on('close', gone);
      // ssh2's server does not answer the close of a session that ran nothing; sshd does
      session.on('close', () => {
        if (stream) return;
        const c = client as unknown as { _protocol: { channelClose(id: number): void }; _chanMgr: { remove(id: number): void } };
        const info = (session as unknown as { _chanInfo: { incoming: { id: number }; outgoing: { id: number } } })._chanInfo;
        c._chanMgr.remove(info.incoming.id);
        c._protocol.channelClose(info.outgoing.id);
      });
      const info0 = (session as unknown as { _chanInfo: { incoming: { id: number }; outgoing: { id: number } } })._chanInfo;
      const closeIdle = (): void => {
        const c = client as unknown as { _protocol: { channelClose(id: number): void } };
        c._protocol.channelClose(info0.outgoing.id);
      };
      idle.push(closeIdle);
      session.on('exec', (acc, rej, info) => {
        seen.execs.push(info.command);
        if (info.command === 'vanish' && !vanished) {
          // the host closes the session instead of answering the request (once)
          vanished = true;
          closeIdle();
          return;
        }
        if (info.command === 'refuse') {
          rej();
          return;
        }
        stream = acc();
        // read, so that its 'close' comes (a stream emits it after 'end')
        stream.resume();
        session.removeListener('close', gone);
        stream.on('close', gone);
        if (info.command === 'cat-line') {
          stream.once('data', (d: Buffer) => {
            seen.stdin.push(d.toString());
            stream!.write(`got ${d.toString()}`);
            stream!.exit(0);
            stream!.end();
          });
        } else if (info.command === 'vanish') {
          stream.write('second try\n');
          stream.exit(0);
          stream.end();
        } else if (info.command.startsWith('hold')) {
          stream.on('data', () => {
            stream!.exit(0);
            stream!.end();
          });
        } else {
          stream.exit(0);
          stream.end();
        }
      });
      session.on('sftp', (acc) => {
        const sftp = acc();
        session.removeListener('close', gone);
        sftp.on('close', gone);
      });
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as AddressInfo).port, seen, idle, close: () => server.close() })));
}


const output = (ch: ClientChannel): Promise<string> =>
  new Promise((resolve) => {
    let out = '';
    ch.on('data', (d: Buffer) => (out += d.toString()));
    ch.once('close', () => resolve(out));
  });

/** Turns spares on and makes the first exec (which opens the first spare beside it). */
async function withSpare(conn: SshConnection): Promise<void> {
  conn.keepSpare();
  await output(await conn.exec('true', () => undefined));
  await until('the spare open', () => conn.spares === 1);
}

let srv: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  srv = await startServer();
});
afterAll(() => srv.close());

describe('session-channel: ssh2 internals it relies on', () => {
  it('uses the window and packet size of the channels ssh2 opens itself', () => {
    const channel = require('ssh2/lib/Channel.js') as { MAX_WINDOW: number; PACKET_SIZE: number };
    expect([SSH2_MAX_WINDOW, SSH2_PACKET_SIZE]).toEqual([channel.MAX_WINDOW, channel.PACKET_SIZE]);
  });

  it('opens a session with no request on it, then sends exec and the first stdin bytes in one go', async () => {
    const client = await connect(srv.port);
    const before = { ...srv.seen, execs: [...srv.seen.execs] };
    const ch = await new Promise<ClientChannel>((resolve, reject) => openSessionChannel(client, (err, c) => (err ? reject(err) : resolve(c))));
    await until('the session open on the server', () => srv.seen.opens === before.opens + 1);
    expect(srv.seen.execs).toEqual(before.execs);
    const done = await new Promise<ClientChannel>((resolve, reject) => execOnChannel(ch, 'cat-line', Buffer.from('line\n'), (err, c) => (err ? reject(err) : resolve(c))));
    expect(await output(done)).toBe('got line\n');
    expect(srv.seen.stdin.at(-1)).toBe('line\n');
    client.end();
  });

  it('a refused exec is ssh2\'s own "Unable to exec", and its channel is closed (ssh2\'s exec leaves it open)', async () => {
    const client = await connect(srv.port);
    const conn = new SshConnection(client);
    const closes = srv.seen.closes;
    await expect(conn.exec('refuse', () => undefined, Buffer.from('x\n'))).rejects.toThrow(/^Unable to exec$/);
    await until('the refused session closed on the server', () => srv.seen.closes === closes + 1);
    expect(conn.busy).toBe(0);
    conn.end();
  });
});

describe('SshConnection.keepSpare: one idle session opened ahead of the next exec', () => {
  it('the exec goes on the spare (no open of its own), and a replacement is opened behind it', async () => {
    const client = await connect(srv.port);
    const conn = new SshConnection(client);
    const opens = srv.seen.opens;
    await withSpare(conn);
    expect(srv.seen.opens).toBe(opens + 2);
    const ch = await conn.exec('cat-line', () => undefined, Buffer.from('one\n'));
    expect(await output(ch)).toBe('got one\n');
    await until('the replacement spare', () => conn.spares === 1);
    expect(srv.seen.opens).toBe(opens + 3);
    expect(conn.busy).toBe(1);
    conn.end();
  });

  it('never costs a run a "Channel open failure": runs and an SFTP session at the budget take the spare\'s slot', async () => {
    const client = await connect(srv.port);
    const conn = new SshConnection(client);
    await withSpare(conn);
    // every slot held by a run (the first one on the spare), then an SFTP session asks for one more
    const held = await Promise.all(Array.from({ length: MAX_CHANNELS_PER_CONNECTION }, (_, i) => conn.exec(`hold ${i}`, (ch) => ch.resume())));
    expect(conn.spares).toBe(0);
    const sftp = conn.openSftp();
    const extra = conn.exec("true", (ch) => ch.resume());
    await new Promise((r) => setTimeout(r, 50));
    for (const ch of held.slice(0, 2)) ch.write('go\n');
    await expect(sftp).resolves.toBeDefined();
    await expect(extra).resolves.toBeDefined();
    for (const ch of held.slice(2)) ch.write('go\n');
    // the runs are done: the SFTP session is left (and a spare, unless its open met the host's lag)
    await until('the runs done', () => conn.busy - conn.spares === 1);
    conn.end();
  });

  it('a spare the host closes while idle is let go: the next exec opens a channel of its own', async () => {
    const client = await connect(srv.port);
    const conn = new SshConnection(client);
    await withSpare(conn);
    srv.idle.at(-1)!();
    await until('the spare gone', () => conn.spares === 0);
    const opens = srv.seen.opens;
    const ch = await conn.exec('cat-line', () => undefined, Buffer.from('after\n'));
    expect(await output(ch)).toBe('got after\n');
    expect(srv.seen.opens).toBe(opens + 1);
    // the closed spare's slot is free again: only the exec's was counted, and it is done
    await until('the budget back to nothing', () => conn.busy === 0);
    conn.end();
  });

  it('a spare the host closes under the exec request: the exec is made on a new channel, once', async () => {
    const client = await connect(srv.port);
    const conn = new SshConnection(client);
    await withSpare(conn);
    const execs = srv.seen.execs.length;
    const ch = await conn.exec('vanish', (c) => c.resume());
    expect(await output(ch)).toBe('second try\n');
    expect(srv.seen.execs.slice(execs)).toEqual(['vanish', 'vanish']);
    conn.end();
  });
});
