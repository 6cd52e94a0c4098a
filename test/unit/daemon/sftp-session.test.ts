import { EventEmitter } from 'node:events';
import type { SFTPWrapper } from 'ssh2';
import { describe, expect, it } from 'vitest';
import type { KeptConnection } from '../../../src/daemon/kept.js';
import { callOnSlot, type RunOnKept, type SftpSlot } from '../../../src/daemon/sftp-session.js';
import type { SshConnection } from '../../../src/ssh/connection.js';
import { SftpSessionLost } from '../../../src/transport/sftp-errors.js';

type Cb = (err: Error | undefined, value?: unknown) => void;

/** An ssh2 SFTP session that answers lstat with its name, or (closed) goes away under the first request. */
function fakeRaw(name: string, closesUnderFirst = false): SFTPWrapper & { ended: boolean } {
  const raw = Object.assign(new EventEmitter(), {
    ended: false,
    lstat: (_p: string, cb: Cb) => {
      if (closesUnderFirst) {
        closesUnderFirst = false;
        raw.emit('close');
        return;
      }
      cb(undefined, { mode: 0o100644, size: name.length });
    },
    mkdir: (_p: string, _a: unknown, cb: Cb) => (closesUnderFirst ? raw.emit('close') : cb(undefined)),
    end: () => {
      raw.ended = true;
    },
  });
  return raw as unknown as SFTPWrapper & { ended: boolean };
}

/** A run's session on a connection that kept `kept` and opens `fresh` sessions on demand. */
function run(kept: SFTPWrapper | undefined, fresh: SFTPWrapper) {
  let opened = 0;
  const conn = {
    lastReceived: Date.now(),
    lost: false,
    sftpKeeper: { take: () => kept },
    openSftp: async () => (opened++, fresh),
  } as unknown as SshConnection;
  const runOnKept: RunOnKept = (_k, _t, fn) => fn(conn);
  const s = { kept: { current: conn } as unknown as KeptConnection, sftp: {} as SftpSlot, closed: false };
  return { s, runOnKept, opened: () => opened };
}

const size = (sftp: { lstat(p: string): Promise<{ size: number }> }) => sftp.lstat('/x').then((a) => a.size);

describe('callOnSlot: a run\'s SFTP calls on the session an earlier run kept open', () => {
  it('go on the kept session: nothing is opened', async () => {
    const r = run(fakeRaw('kept'), fakeRaw('fresh!'));
    expect(await callOnSlot(r.s, r.runOnKept, size, true)).toBe(4);
    expect(r.opened()).toBe(0);
  });

  it('a kept session the host closed before it answered anything: a call that changes nothing is made again on a new one', async () => {
    const kept = fakeRaw('kept', true);
    const r = run(kept, fakeRaw('fresh!'));
    expect(await callOnSlot(r.s, r.runOnKept, size, true)).toBe(6);
    expect([r.opened(), kept.ended]).toEqual([1, true]);
    expect(await callOnSlot(r.s, r.runOnKept, size, true)).toBe(6);
    expect(r.opened()).toBe(1);
  });

  it('a call that changes something is not made again (it may have been done): the run hears the loss', async () => {
    const r = run(fakeRaw('kept', true), fakeRaw('fresh!'));
    await expect(callOnSlot(r.s, r.runOnKept, (sftp) => sftp.mkdir('/d', {}), false)).rejects.toBeInstanceOf(SftpSessionLost);
    expect(r.opened()).toBe(0);
  });

  it('once the kept session has answered, its loss is the run\'s: not made again', async () => {
    const kept = fakeRaw('kept');
    const r = run(kept, fakeRaw('fresh!'));
    expect(await callOnSlot(r.s, r.runOnKept, size, true)).toBe(4);
    kept.emit('close');
    await expect(callOnSlot(r.s, r.runOnKept, size, true)).rejects.toBeInstanceOf(SftpSessionLost);
    expect(r.opened()).toBe(0);
  });

  it('a new session (none kept) is never opened twice', async () => {
    const fresh = fakeRaw('fresh!', true);
    const r = run(undefined, fresh);
    await expect(callOnSlot(r.s, r.runOnKept, size, true)).rejects.toBeInstanceOf(SftpSessionLost);
    expect(r.opened()).toBe(1);
  });
});
