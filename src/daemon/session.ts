import path from 'node:path';
import { ConnectError, HostKeyError } from '../errors.js';
import type { ResolvedHost } from '../ssh/types.js';
import { SftpSessionLost } from '../transport/sftp-errors.js';
import type { SftpClient } from '../transport/sftp-types.js';
import type { HostSession, RemoteProcess } from '../transport/types.js';
import type { DaemonLink } from './link.js';
import { decodeWithBytes, encodeWithBytes, Kind, parseJson } from './protocol.js';
import { DaemonProcess } from './remote-process.js';
import type { ExecErrorReply, ExecRequest, SftpReplyHead } from './types.js';

/** A connect failure as the daemon described it, as the same error class a direct connect throws. */
export function connectErrorFrom(reply: { message: string; level?: string }): ConnectError {
  return reply.level === 'host-key' ? new HostKeyError(reply.message) : new ConnectError(reply.message, reply.level ?? 'client-socket');
}

/** A run's session on one host through a connection the daemon keeps. */
export class DaemonSession implements HostSession {
  private isLost = false;
  private lostReason = 'connection closed by the host';
  private readonly lostListeners: Array<(reason: string) => void> = [];
  private readonly procs = new Map<number, DaemonProcess>();
  private readonly calls = new Set<number>();
  private sftpClient?: SftpClient;
  private readonly offGone: () => void;

  constructor(
    readonly host: ResolvedHost,
    private readonly link: DaemonLink,
    readonly sid: number,
  ) {
    link.on(sid, (kind, payload) => {
      if (kind === Kind.sessionLost) this.markLost(parseJson<{ reason: string }>(payload).reason);
    });
    this.offGone = link.onGone(() => {
      this.markLost('the isuops daemon went away');
      for (const p of [...this.procs.values()]) p.finish();
    });
  }

  get lost(): boolean {
    return this.isLost;
  }

  onLost(listener: (reason: string) => void): void {
    if (this.isLost) listener(this.lostReason);
    else this.lostListeners.push(listener);
  }

  private markLost(reason: string): void {
    if (this.isLost) return;
    this.isLost = true;
    this.lostReason = reason;
    for (const l of this.lostListeners.splice(0)) l(reason);
  }

  exec(command: string, attach: (process: RemoteProcess) => void): Promise<RemoteProcess> {
    return this.request({ sid: this.sid, command }, attach);
  }

  // the daemon wraps it: in signal mode where the host's sshd takes signal requests (no watcher fork on the host)
  execStoppable(command: string, marker: string, attach: (process: RemoteProcess) => void): Promise<RemoteProcess> {
    return this.request({ sid: this.sid, command, wrap: { marker } }, attach);
  }

  private request(head: ExecRequest, attach: (process: RemoteProcess) => void): Promise<RemoteProcess> {
    const cid = this.link.id();
    const proc = new DaemonProcess(this.link, cid);
    return new Promise((resolve, reject) => {
      if (this.link.gone) {
        reject(new Error('the isuops daemon went away'));
        return;
      }
      this.link.on(cid, (kind, payload) => {
        if (kind === Kind.execOk) {
          this.procs.set(cid, proc);
          attach(proc as unknown as RemoteProcess);
          resolve(proc as unknown as RemoteProcess);
        } else if (kind === Kind.execError) {
          this.link.off(cid);
          const e = parseJson<ExecErrorReply>(payload);
          if (e.connect) this.markLost(e.message);
          reject(e.connect ? connectErrorFrom(e) : new Error(e.message));
        } else if (kind === Kind.closed) {
          this.link.off(cid);
          this.procs.delete(cid);
          proc.finish();
        } else {
          proc.deliver(kind, payload);
        }
      });
      this.link.send(Kind.exec, cid, encodeWithBytes(head));
    });
  }

  sftp(): Promise<SftpClient> {
    this.sftpClient ??= makeSftpClient((op, args, bytes) => this.call(op, args, bytes));
    return Promise.resolve(this.sftpClient);
  }

  private call(op: string, args: unknown[], bytes?: Buffer): Promise<{ value: unknown; bytes: Buffer }> {
    if (this.isLost || this.link.gone) return Promise.reject(new SftpSessionLost());
    const id = this.link.id();
    return new Promise((resolve, reject) => {
      this.calls.add(id);
      const offGone = this.link.onGone(() => reject(new SftpSessionLost()));
      this.link.on(id, (_kind, payload) => {
        this.link.off(id);
        this.calls.delete(id);
        offGone();
        const reply = decodeWithBytes<SftpReplyHead>(payload);
        if (reply.head.ok) {
          resolve({ value: reply.head.value, bytes: reply.bytes });
          return;
        }
        const e = reply.head.error ?? { message: 'sftp call failed' };
        if (e.lost) {
          this.markLost(e.message);
          reject(new SftpSessionLost());
          return;
        }
        reject(Object.assign(new Error(e.message), e.code !== undefined ? { code: e.code } : {}, e.path !== undefined ? { path: e.path } : {}));
      });
      this.link.send(Kind.sftp, id, encodeWithBytes({ sid: this.sid, op, args }, bytes));
    });
  }

  close(): void {
    this.offGone();
    this.link.send(Kind.closeSession, this.sid);
    this.link.off(this.sid);
    this.markLost('closed');
  }
}

type Call = (op: string, args: unknown[], bytes?: Buffer) => Promise<{ value: unknown; bytes: Buffer }>;

/** The SftpClient whose every call is one request to the daemon. */
function makeSftpClient(call: Call): SftpClient {
  const v = <T>(op: string, ...args: unknown[]): Promise<T> => call(op, args).then((r) => r.value as T);
  return {
    lstat: (p) => v('lstat', p),
    stat: (p) => v('stat', p),
    readdir: (p) => v('readdir', p),
    readlink: (p) => v('readlink', p),
    realpath: (p) => v('realpath', p),
    mkdir: (p, attrs) => v('mkdir', p, attrs),
    setstat: (p, attrs) => v('setstat', p, attrs),
    lsetstat: (p, attrs) => v('lsetstat', p, attrs),
    rename: (from, to) => v('rename', from, to),
    unlink: (p) => v('unlink', p),
    rmdir: (p) => v('rmdir', p),
    symlink: (target, linkPath) => v('symlink', target, linkPath),
    fastPut: (local, remote, mode) => v('fastPut', path.resolve(local), remote, mode),
    fastGet: (remote, local, mode) => v('fastGet', remote, path.resolve(local), mode),
    readFile: (p) => call('readFile', [p]).then((r) => Buffer.from(r.bytes)),
    putBuffer: (remote, data, attrs) => call('putBuffer', [remote, attrs], data).then(() => undefined),
    scanTree: (req) => v('scanTree', req),
  };
}
