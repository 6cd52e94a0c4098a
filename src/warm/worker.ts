import type net from 'node:net';
import { openLink, presetLink, type DaemonLink } from '../daemon/link.js';
import { currentBuild, daemonPaths } from '../daemon/paths.js';
import { FrameReader, parseJson } from '../daemon/protocol.js';
import { hasFreshMemo } from '../commands/fleet-memo.js';
import { defaultPersist } from '../transport/choose.js';
import { setWarmGate, type WarmGate } from './gate.js';
import { rehearse } from './rehearsal.js';
import { ClientLink, RelayedInput, RelayedOutput } from './stdio.js';
import { isRelayedSignal, WarmKind, type Invocation } from './wire.js';
import { debug, setDebugEnv } from '../core/debug.js';

// A worker whose client went away (kill -9) stops its run like Ctrl-C; past this it just exits.
const GONE_GRACE_MS = 30_000;

type Main = (argv: string[]) => Promise<number>;

/**
 * A warm worker (`bin/isuops __warm-worker BUILD`, forked by the daemon): loads what a fleet
 * command needs, opens its link to the daemon, says `ready`, then runs exactly one invocation
 * handed to it with its client's socket, as that client's process would, and exits. While it
 * waits it may be told to rehearse the invocation handed out last (rehearsal.ts).
 */
export async function runWorker(main: Main, daemonBuild: string): Promise<void> {
  const realExit = process.exit.bind(process);
  const paths = daemonPaths();
  // a worker of another build than its daemon's (rebuilt since the daemon started) is never used
  if (!paths || !process.send || currentBuild() !== daemonBuild) realExit(0);
  await Promise.all([import('../commands/exec.js'), import('../commands/push.js'), import('../commands/pull.js'), import('../commands/tail.js')]);
  let link: DaemonLink;
  try {
    link = await openLink(paths!);
  } catch {
    realExit(0);
  }
  let taken = false;
  process.on('disconnect', () => taken || realExit(0));
  link!.onGone(() => taken || realExit(0));
  // a run that comes during a rehearsal waits for its end (tens of milliseconds)
  let rehearsal: Promise<void> = Promise.resolve();
  let rehearsed: string | undefined;
  process.on('message', (msg: { type?: string; invocation?: Invocation }, handle?: net.Socket) => {
    if (taken || !msg?.invocation) return;
    if (msg.type === 'rehearse') {
      const inv = msg.invocation;
      const text = JSON.stringify(inv);
      rehearsal = rehearsal.then(() => {
        // the same invocation again (the daemon tells every spare after each run): done already
        if (taken || (text === rehearsed && hasFreshMemo())) return undefined;
        rehearsed = text;
        return rehearse(main, inv);
      });
      return;
    }
    if (msg.type !== 'run' || !handle) return;
    taken = true;
    presetLink(link);
    void rehearsal.then(() => serve(main, msg.invocation!, handle, realExit));
  });
  process.send!({ type: 'ready' });
}

function applyProcess(inv: Invocation, client: ClientLink): { stdout: RelayedOutput; stderr: RelayedOutput; stdin: RelayedInput } {
  process.chdir(inv.cwd);
  process.umask(inv.umask);
  for (const k of Object.keys(process.env)) delete process.env[k];
  Object.assign(process.env, inv.env);
  // NODE_DEBUG=isuops of the run, not of the daemon that started this worker
  setDebugEnv(inv.env);
  process.argv = [...inv.argv];
  const stdout = new RelayedOutput(client, WarmKind.stdout, inv.stdout.isTTY);
  const stderr = new RelayedOutput(client, WarmKind.stderr, inv.stderr.isTTY);
  const stdin = new RelayedInput(client);
  for (const s of [stdout, stderr]) s.on('error', () => undefined);
  Object.defineProperty(process, 'stdout', { configurable: true, get: () => stdout });
  Object.defineProperty(process, 'stderr', { configurable: true, get: () => stderr });
  Object.defineProperty(process, 'stdin', { configurable: true, get: () => stdin });
  return { stdout, stderr, stdin };
}

async function serve(main: Main, inv: Invocation, socket: net.Socket, realExit: (code?: number) => never): Promise<void> {
  const client = new ClientLink(socket);
  let done = false;
  let streams: RelayedOutput[] = [];
  // what was written goes out before the exit code; nothing written after it does
  const finish = (code: number): void => {
    if (done) return;
    done = true;
    void Promise.all(streams.map((s) => new Promise((resolve) => s.end(resolve)))).then(() => client.finish(code, () => realExit(code)));
  };
  let stdout: RelayedOutput;
  let stdin: RelayedInput;
  try {
    let stderr: RelayedOutput;
    ({ stdout, stderr, stdin } = applyProcess(inv, client));
    streams = [stdout, stderr];
  } catch (err) {
    client.decline(`cannot take the run: ${(err as Error).message}`, () => realExit(0));
    return;
  }
  const reader = new FrameReader((kind, _id, payload) => {
    if (kind === WarmKind.stdin) stdin.push(Buffer.from(payload));
    else if (kind === WarmKind.stdinEof) stdin.push(null);
    else if (kind === WarmKind.stdoutGone) stdout.fail();
    else if (kind === WarmKind.signal) {
      const { signal } = parseJson<{ signal?: string }>(payload);
      if (isRelayedSignal(signal)) process.kill(process.pid, signal);
    }
  });
  socket.on('data', (chunk: Buffer) => reader.push(chunk));
  socket.on('error', () => undefined);
  socket.on('close', () => {
    client.gone = true;
    if (done) return;
    // kill -9 of the client: its remote processes stop as on Ctrl-C
    debug('warm: the client went away: stopping the run');
    stdout.fail();
    setTimeout(() => realExit(130), GONE_GRACE_MS).unref();
    process.kill(process.pid, 'SIGINT');
  });
  // process.exit (a second Ctrl-C) tells the client its code first; nothing shows after it
  process.exit = ((code?: number) => {
    finish(typeof code === 'number' ? code : Number(process.exitCode ?? 0));
  }) as typeof process.exit;
  setWarmGate(makeGate(client, realExit));
  const code = await main(process.argv);
  finish(code);
}

/**
 * The worker takes the run only when every host already has a kept connection, none says
 * ControlPersist no: the transport opens each host's session on it (takeKept, connecting nothing),
 * and the run then uses those sessions, with no round trip more to the daemon.
 */
function makeGate(client: ClientLink, realExit: (code?: number) => never): WarmGate {
  return async (hosts, transport) => {
    const decline = (why: string): Promise<never> => {
      client.decline(why, () => realExit(0));
      return new Promise<never>(() => undefined);
    };
    const fallback = defaultPersist(process.env);
    if (hosts.some((h) => (h.controlPersist ?? fallback) === 'no')) return decline('ControlPersist no');
    if (!transport.takeKept) return decline('no kept connections for this run');
    let taken: boolean;
    try {
      taken = await transport.takeKept(hosts);
    } catch {
      return decline('the daemon went away');
    }
    if (!taken) return decline('a host has no kept connection yet');
    client.commit(process.pid);
  };
}
