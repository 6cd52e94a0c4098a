import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import type { ClientChannel } from 'ssh2';
import { ConnectError } from '../errors.js';
import { makeConnector } from '../ssh/jump-connect.js';
import { batchedWriter } from './batch.js';
import type { DaemonPaths } from './paths.js';
import { Kind, decodeWithBytes, encodeFrame, FrameReader, parseJson } from './protocol.js';
import { KeptRegistry, type KeptConnection } from './kept.js';
import { serveSftp } from './sftp-server.js';
import { releaseSftp, type SftpSlot } from './sftp-session.js';
import { runOnKept } from './liveness.js';
import { SignalledGroup } from './signalled-group.js';
import { buildKillCommand, buildWrappedCommand } from '../remote/command.js';
import { takesSessionSignals } from '../ssh/server-software.js';
import { WarmPool } from '../warm/pool.js';
import { parseWarmRun } from '../warm/wire.js';
import type { DaemonStatus, ExecRequest, OpenSessionRequest, SessionErrorReply } from './types.js';

// With no kept connection and no client, the daemon ends after this long.
const EMPTY_GRACE_MS = 2000;

function log(message: string): void {
  process.stderr.write(`${new Date().toISOString()} isuops daemon[${process.pid}]: ${message}\n`);
}

interface ServerSession {
  sid: number;
  req: OpenSessionRequest;
  kept: KeptConnection;
  connectTimeout?: number;
  channels: Set<number>;
  sftp: SftpSlot;
  closed: boolean;
}

/** A channel opened for a peer; `dropped` once the peer gave it up (its output is then discarded). */
interface PeerChannel {
  ch: ClientChannel;
  clientPaused: boolean;
  dropped: boolean;
  /** A command in the wrapper's signal mode: stopped by signal requests, not by its stdin's end. */
  group?: SignalledGroup;
}

/**
 * Gives a channel up: what is still queued in it is read and dropped, then it is closed. ssh2
 * emits a channel's 'close' only after its 'end', so a paused channel with data queued (a CLI that
 * stopped reading: a full local disk, Ctrl-C, kill -9) would otherwise never close, and would
 * hold one of its connection's MaxSessions slots for good.
 */
function dropChannel(c: PeerChannel): void {
  c.dropped = true;
  c.ch.resume();
  c.ch.stderr.resume();
  const close = (): void => {
    c.ch.end();
    c.ch.close();
  };
  // a command that nothing on the host watches is stopped first (its channel closes once it has gone)
  if (c.group && !c.group.exited) c.group.stop(close);
  else close();
}

interface Peer {
  socket: net.Socket;
  /** Writes to the socket, one writev per turn of the event loop (batch.ts). */
  write: (chunk: Buffer) => boolean;
  sessions: Map<number, ServerSession>;
  channels: Map<number, PeerChannel>;
  /** The socket to the CLI is full: every channel of this peer waits for it to drain. */
  blocked: boolean;
}

/**
 * The daemon: holds kept connections (KeptRegistry) and serves runs over the unix socket. A peer
 * must first present the token from the 0600 file beside the socket (only our uid can read it)
 * and this build's id. A peer that goes away (a CLI killed with -9) gets its channels closed:
 * the exec wrapper sees stdin EOF and stops the remote process group.
 */
export async function runDaemon(paths: DaemonPaths): Promise<void> {
  const token = randomBytes(32);
  const tokenHex = Buffer.from(token.toString('hex'));
  const startedAt = Date.now();
  let lastActivity = Date.now();
  const peers = new Set<Peer>();
  const connector = makeConnector({ resolveHop: () => {
    throw new Error('the daemon connects through routes planned by the run');
  } });
  let emptyTimer: NodeJS.Timeout | undefined;
  // Nothing kept and no run holding a session: the daemon has no reason to stay.
  const idle = (): boolean => registry.size === 0 && [...peers].every((p) => p.sessions.size === 0);
  const checkEmpty = (): void => {
    if (!idle() || emptyTimer) return;
    emptyTimer = setTimeout(() => {
      emptyTimer = undefined;
      if (idle()) shutdown('no kept connection left');
    }, EMPTY_GRACE_MS);
  };
  const sessionsOf = (kept: KeptConnection): Array<[Peer, ServerSession]> => {
    const out: Array<[Peer, ServerSession]> = [];
    for (const peer of peers) for (const s of peer.sessions.values()) if (s.kept === kept) out.push([peer, s]);
    return out;
  };
  const registry = new KeptRegistry(connector, checkEmpty, (kept, reason) => {
    for (const [peer, s] of sessionsOf(kept)) send(peer, Kind.sessionLost, s.sid, { reason });
  });

  // spare warm workers: a thin client hands them whole runs (src/warm/)
  const lastHostBytes = (): number => registry.list().reduce((t, k) => Math.max(t, k.current?.lastReceived ?? 0), 0);
  const pool = new WarmPool(process.argv[1] ?? '', paths.build, log, lastHostBytes);
  const server = net.createServer((socket) => onPeer(socket));
  let ending = false;
  const shutdown = (why: string): void => {
    if (ending) return;
    ending = true;
    log(`stopping: ${why}`);
    // nothing on the hosts watches a signal-mode command: each is sent its TERM before its connection ends
    for (const peer of peers) for (const c of peer.channels.values()) if (c.group && !c.group.exited) c.group.stop();
    registry.closeAll();
    pool.close();
    connector.close();
    for (const peer of peers) peer.socket.destroy();
    server.close();
    rmSync(paths.socket, { force: true });
    rmSync(paths.token, { force: true });
    setTimeout(() => process.exit(0), 200).unref();
  };

  const send = (peer: Peer, kind: number, id: number, payload?: Buffer | object): void => {
    if (peer.socket.destroyed) return;
    // a run's frames (not status answers) put off the spares' boots
    if (kind !== Kind.statusReply) pool.touch();
    if (!peer.write(encodeFrame(kind, id, payload)) && !peer.blocked) {
      peer.blocked = true;
      for (const c of peer.channels.values()) if (!c.dropped) c.ch.pause();
    }
  };

  const attachChannel = (peer: Peer, s: ServerSession, cid: number, ch: ClientChannel, group: SignalledGroup | undefined): void => {
    const c: PeerChannel = { ch, clientPaused: false, dropped: false, group };
    peer.channels.set(cid, c);
    s.channels.add(cid);
    if (peer.blocked) ch.pause();
    ch.on('data', (d: Buffer) => c.dropped || send(peer, Kind.stdout, cid, d));
    ch.stderr.on('data', (d: Buffer) => {
      group?.sawStderr(d);
      if (!c.dropped) send(peer, Kind.stderr, cid, d);
    });
    ch.on('exit', (code: number | null, signal?: string) => send(peer, Kind.exit, cid, { code: code ?? null, signal: signal ?? null }));
    ch.once('close', () => {
      peer.channels.delete(cid);
      s.channels.delete(cid);
      send(peer, Kind.closed, cid);
      // The connection went with the command still running: no watcher on the host saw it go.
      if (group && !group.exited && group.pgid !== undefined && s.kept.current === undefined && !ending) reapOrphan(s, group.pgid);
    });
  };

  /**
   * Stops, over a new connection, the group of a signal-mode command whose connection was lost
   * under it (the wrapper's watcher would have seen its stdin close; sshd leaves the command
   * running). Best effort: a host that cannot be reached again keeps it, as with ssh.
   */
  const reapOrphan = (s: ServerSession, pgid: number): void => {
    const kept = registry.take(s.req);
    void runOnKept(kept, s.connectTimeout, (conn) =>
      conn.exec(buildKillCommand(pgid, { sudo: false }), (ch) => {
        ch.resume();
        ch.stderr.resume();
        ch.end();
      }).then((ch) => new Promise<void>((resolve) => ch.once('close', () => resolve()))),
    )
      .then(
        () => log(`${kept.label()}: stopped process group ${pgid}, left running by the lost connection`),
        (err: Error) => log(`${kept.label()}: could not stop process group ${pgid} after the connection was lost: ${err.message}`),
      )
      .finally(() => kept.release());
  };

  const openSession = async (peer: Peer, sid: number, req: OpenSessionRequest): Promise<void> => {
    // a warm worker's gate: a host with no connection up declines the run, nothing connects for it
    if (req.onlyKept && !registry.isLive(req.key)) {
      send(peer, Kind.sessionError, sid, { message: 'no kept connection', level: 'client-socket', notKept: true } satisfies SessionErrorReply);
      return;
    }
    clearTimeout(emptyTimer);
    emptyTimer = undefined;
    const kept = registry.take(req);
    const s: ServerSession = { sid, req, kept, connectTimeout: req.connectTimeout, channels: new Set(), sftp: {}, closed: false };
    peer.sessions.set(sid, s);
    const reused = kept.current !== undefined;
    try {
      await kept.ready(req.connectTimeout);
      if (s.closed) return;
      send(peer, Kind.sessionOk, sid, { reused, warnings: kept.warnings });
    } catch (err) {
      peer.sessions.delete(sid);
      if (!s.closed) kept.release();
      s.closed = true;
      const e = err as Error & { level?: string };
      // A key that needs a passphrase: the run asks for it on its TTY and connects that host itself.
      const reply: SessionErrorReply = { message: e.message, level: e instanceof ConnectError ? e.level : 'client-socket' };
      if (/ is encrypted and there is no TTY/.test(e.message)) reply.fallback = true;
      send(peer, Kind.sessionError, sid, reply);
    }
  };

  const closeSession = (peer: Peer, s: ServerSession): void => {
    if (s.closed) return;
    s.closed = true;
    peer.sessions.delete(s.sid);
    for (const cid of s.channels) {
      const c = peer.channels.get(cid);
      if (c) dropChannel(c);
    }
    releaseSftp(s.sftp, s.kept);
    s.kept.release();
    // the run's last session closed: spares may boot once the daemon stays quiet
    if (peer.sessions.size === 0) pool.fill();
  };

  const exec = async (peer: Peer, cid: number, { head: req, bytes: input }: { head: ExecRequest; bytes: Buffer }): Promise<void> => {
    const s = peer.sessions.get(req.sid);
    if (!s) {
      send(peer, Kind.execError, cid, { message: 'the session is closed' });
      return;
    }
    try {
      await runOnKept(s.kept, s.connectTimeout, (conn) => {
        // HostSession.execStoppable: no watcher on the host where its sshd takes signal requests
        const signals = req.wrap !== undefined && takesSessionSignals(conn.serverSoftware);
        const command = req.wrap ? buildWrappedCommand(req.command, { sudo: false, stdin: false, marker: req.wrap.marker, signals }) : req.command;
        return conn.exec(command, (ch) => {
          if (s.closed || peer.socket.destroyed) {
            ch.close();
            return;
          }
          send(peer, Kind.execOk, cid);
          attachChannel(peer, s, cid, ch, signals ? new SignalledGroup(ch, req.wrap!.marker) : undefined);
        }, input);
      });
    } catch (err) {
      const e = err as Error & { level?: string };
      send(peer, Kind.execError, cid, { message: e.message, level: e.level, connect: err instanceof ConnectError });
    }
  };

  const onFrame = (peer: Peer, kind: number, id: number, payload: Buffer): void => {
    lastActivity = Date.now();
    if (kind !== Kind.status) pool.touch();
    switch (kind) {
      case Kind.openSession:
        void openSession(peer, id, parseJson<OpenSessionRequest>(payload));
        break;
      case Kind.closeSession: {
        const s = peer.sessions.get(id);
        if (s) closeSession(peer, s);
        break;
      }
      case Kind.exec:
        void exec(peer, id, decodeWithBytes<ExecRequest>(payload));
        break;
      case Kind.stdin: {
        const c = peer.channels.get(id);
        if (!c) send(peer, Kind.stdinAck, id);
        else c.ch.write(payload, () => send(peer, Kind.stdinAck, id));
        break;
      }
      case Kind.eof: {
        const c = peer.channels.get(id);
        // the stop of a signal-mode command (ending its stdin first would keep the signals from going out)
        if (c?.group && !c.group.exited) c.group.stop(() => c.ch.end());
        // (a signal-mode command that has exited: sshd closes the channel itself, no EOF packet needed)
        else if (!c?.group) c?.ch.end();
        break;
      }
      case Kind.close: {
        const c = peer.channels.get(id);
        if (c) dropChannel(c);
        break;
      }
      case Kind.pause: {
        const c = peer.channels.get(id);
        if (c && !c.dropped) {
          c.clientPaused = true;
          c.ch.pause();
        }
        break;
      }
      case Kind.resume: {
        const c = peer.channels.get(id);
        if (c) {
          c.clientPaused = false;
          if (!peer.blocked) c.ch.resume();
        }
        break;
      }
      case Kind.sftp:
        void serveSftp(payload, peer.sessions, (reply) => send(peer, Kind.sftpReply, id, reply), runOnKept);
        break;
      case Kind.status: {
        const now = Date.now();
        const status: DaemonStatus = {
          pid: process.pid,
          socket: paths.socket,
          log: paths.log,
          build: paths.build,
          startedAt,
          idleMs: registry.list().some((k) => k.runs > 0) ? 0 : now - Math.max(lastActivity, ...registry.list().map((k) => k.lastUsed)),
          connections: registry.list().map((k) => k.status(now)),
        };
        send(peer, Kind.statusReply, id, { ...status, warm: pool.status() });
        break;
      }
      case Kind.stop:
        send(peer, Kind.statusReply, id, { stopping: true });
        peer.socket.end();
        setImmediate(() => shutdown('asked to stop'));
        break;
      default:
        break;
    }
  };

  const tokenOk = (t: unknown): boolean => {
    const given = Buffer.from(String(t ?? ''));
    return given.length === tokenHex.length && timingSafeEqual(given, tokenHex);
  };

  const onPeer = (socket: net.Socket): void => {
    const peer: Peer = { socket, write: batchedWriter(socket), sessions: new Map(), channels: new Map(), blocked: false };
    let authed = false;
    peers.add(peer);
    const reader = new FrameReader((kind, id, payload) => {
      if (!authed && kind === Kind.warmRun) {
        // a whole run for a warm worker: the connection is the worker's from now on
        const run = parseWarmRun(payload);
        peers.delete(peer);
        if (!run || run.build !== paths.build || !tokenOk(run.token)) {
          log('refused a warm run: wrong token or another build');
          socket.destroy();
          return;
        }
        authed = true;
        socket.pause();
        socket.removeAllListeners('data');
        const { token: _t, build: _b, ...invocation } = run;
        pool.hand(socket, invocation);
        return;
      }
      if (!authed) {
        const hello = kind === Kind.hello ? safeJson(payload) : undefined;
        if (!hello || hello.build !== paths.build || !tokenOk(hello.token)) {
          log('refused a peer: wrong token or another build');
          socket.destroy();
          return;
        }
        authed = true;
        return;
      }
      onFrame(peer, kind, id, payload);
    });
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    socket.on('drain', () => {
      peer.blocked = false;
      for (const c of peer.channels.values()) if (!c.clientPaused) c.ch.resume();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      peers.delete(peer);
      // A run that went away (Ctrl-C'd to death, kill -9): its channels are closed, its remote processes stop.
      for (const s of [...peer.sessions.values()]) closeSession(peer, s);
      // a run was served: spares boot once the daemon stays quiet, not while it ran
      pool.fill();
      checkEmpty();
    });
  };

  if (await isAlive(paths.socket)) throw new Error(`another daemon already listens on ${paths.socket}`);
  // The token first (0600, renamed into place), then the socket: a client that can connect can read it.
  const tmp = `${paths.token}.${process.pid}`;
  writeFileSync(tmp, tokenHex, { mode: 0o600 });
  renameSync(tmp, paths.token);
  await listen(server, paths.socket);
  chmodSync(paths.socket, 0o600);
  log(`listening on ${paths.socket}`);
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('uncaughtException', (err) => log(`uncaught: ${err.stack ?? err.message}`));
  checkEmpty();
}

function safeJson(payload: Buffer): { token?: string; build?: string } | undefined {
  try {
    return parseJson(payload);
  } catch {
    return undefined;
  }
}

/** Whether a daemon answers on `socket`. */
function isAlive(socket: string): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const probe = net.connect(socket);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

/** Listens on `socket` (a stale one, which nobody answers on, is replaced), created 0600. */
async function listen(server: net.Server, socket: string): Promise<void> {
  rmSync(socket, { force: true });
  const old = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socket, () => resolve());
    });
  } finally {
    process.umask(old);
  }
}
