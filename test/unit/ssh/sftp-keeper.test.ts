import type { AddressInfo } from 'node:net';
import ssh2, { type Client, type SFTPWrapper } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, until } from './test-server-client.js';
import { MAX_CHANNELS_PER_CONNECTION, SshConnection } from '../../../src/ssh/connection.js';

interface Host {
  port: number;
  /** SFTP sessions opened and closed so far, and a way to close the last one from the host's side. */
  seen: { sftpOpens: number; sftpCloses: number };
  closeLastSftp: () => void;
  close: () => void;
}

/**
 * An ssh2 server: sessions as sshd's MaxSessions (10 at once), exec `hold` answers once it gets
 * a line, SFTP sessions answer REALPATH at once and STAT of `/hang` never.
 */
function startHost(): Promise<Host> {
  const seen = { sftpOpens: 0, sftpCloses: 0 };
  let last: (() => void) | undefined;
  let hostKey = ssh2.utils.generateKeyPairSync('ed25519').private;
  while (ssh2.utils.parseKey(hostKey) instanceof Error) hostKey = ssh2.utils.generateKeyPairSync('ed25519').private;
  const server = new ssh2.Server({ hostKeys: [hostKey] }, (client) => {
    let open = 0;
    client.on('authentication', (ctx) => ctx.accept());
    client.on('session', (accept, reject) => {
      if (open >= MAX_CHANNELS_PER_CONNECTION) {
        reject();
        return;
      }
      open += 1;
      const session = accept();
      session.on('exec', (acc) => {
        const stream = acc();
        stream.on('close', () => (open -= 1));
        stream.on('data', () => {
          stream.exit(0);
          stream.end();
        });
      });
      session.on('sftp', (acc) => {
        const sftp = acc();
        seen.sftpOpens += 1;
        sftp.on('close', () => {
          open -= 1;
          seen.sftpCloses += 1;
          // answered as sshd does (ssh2's server leaves the client's close unanswered)
          sftp.destroy();
        });
        last = () => sftp.end();
        sftp.on('REALPATH', (reqid: number, p: string) => sftp.name(reqid, [{ filename: p, longname: p, attrs: {} as never }]));
        sftp.on('STAT', () => undefined);
      });
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as AddressInfo).port, seen, closeLastSftp: () => last?.(), close: () => server.close() })));
}


const realpath = (sftp: SFTPWrapper, p: string): Promise<string> => new Promise((resolve, reject) => sftp.realpath(p, (err, r) => (err ? reject(err) : resolve(r))));

let host: Host;
beforeAll(async () => {
  host = await startHost();
});
afterAll(() => host.close());

describe('SshConnection.keepSftp: a run\'s SFTP session kept open for the next run', () => {
  it('the next run takes it (no session opened on the host) and it still answers', async () => {
    const conn = new SshConnection(await connect(host.port));
    const sftp = await conn.openSftp();
    const opens = host.seen.sftpOpens;
    conn.keepSftp(sftp);
    expect([conn.sftpKeeper.count, conn.busy]).toEqual([1, 1]);
    const taken = conn.sftpKeeper.take();
    expect(taken).toBe(sftp);
    expect(await realpath(taken!, '/srv')).toBe('/srv');
    expect(host.seen.sftpOpens).toBe(opens);
    expect(conn.sftpKeeper.take()).toBeUndefined();
    conn.end();
  });

  it('one with a request still unanswered is ended, not kept', async () => {
    const conn = new SshConnection(await connect(host.port));
    const sftp = await conn.openSftp();
    sftp.stat('/hang', () => undefined);
    const closes = host.seen.sftpCloses;
    conn.keepSftp(sftp);
    expect(conn.sftpKeeper.take()).toBeUndefined();
    await until('its close on the host', () => host.seen.sftpCloses === closes + 1);
    await until('its slot free', () => conn.busy === 0);
    conn.end();
  });

  it('one kept at a time: a second is ended', async () => {
    const conn = new SshConnection(await connect(host.port));
    const [a, b] = await Promise.all([conn.openSftp(), conn.openSftp()]);
    conn.keepSftp(a);
    conn.keepSftp(b);
    await until('the second closed', () => conn.busy === 1);
    expect(conn.sftpKeeper.take()).toBe(a);
    conn.end();
  });

  it('one the host closes while kept is let go: its slot is free, the next run opens its own', async () => {
    const conn = new SshConnection(await connect(host.port));
    conn.keepSftp(await conn.openSftp());
    host.closeLastSftp();
    await until('the kept session gone', () => conn.sftpKeeper.count === 0 && conn.busy === 0);
    expect(conn.sftpKeeper.take()).toBeUndefined();
    conn.end();
  });

  it('gives its slot up to a run short of one (MaxSessions): every run gets a channel', async () => {
    const conn = new SshConnection(await connect(host.port));
    conn.keepSftp(await conn.openSftp());
    const runs = await Promise.all(Array.from({ length: MAX_CHANNELS_PER_CONNECTION }, (_, i) => conn.exec(`hold ${i}`, (ch) => ch.resume())));
    expect(runs).toHaveLength(MAX_CHANNELS_PER_CONNECTION);
    expect(conn.sftpKeeper.count).toBe(0);
    for (const ch of runs) ch.write('go\n');
    await until('the runs done', () => conn.busy === 0);
    conn.end();
  });

  it('a session of another connection is ended, not kept', async () => {
    const one = new SshConnection(await connect(host.port));
    const other = new SshConnection(await connect(host.port));
    const sftp = await other.openSftp();
    one.keepSftp(sftp);
    expect(one.sftpKeeper.count).toBe(0);
    await until('its slot free on its own connection', () => other.busy === 0);
    one.end();
    other.end();
  });
});
