import { readFileSync } from 'node:fs';
import net from 'node:net';
import { watchReader } from '../commands/interrupt.js';
import { currentBuild, daemonPaths } from '../daemon/paths.js';
import { encodeFrame, FrameReader, Kind } from '../daemon/protocol.js';
import { invocationOf, mayTryWarm, RELAYED_SIGNALS, WarmKind, type RelayedSignal } from './wire.js';
import { debug } from '../core/debug.js';


function connect(file: string): Promise<net.Socket | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect(file);
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err) => {
      debug('warm: no daemon on %s (%s)', file, err.message);
      resolve(undefined);
    });
  });
}

/**
 * The thin client (bin/isuops, before it loads the CLI bundle): hands this invocation to a warm
 * worker of the daemon and relays stdio, signals and the exit code; never returns then (it exits
 * with the worker's code). Resolves (false) when the run is to be done here instead: no daemon, no
 * worker free, or the worker said so before doing anything. `bundle` is the CLI bundle, whose
 * build the daemon must be of.
 */
export async function runWarm(bundle: string): Promise<false> {
  if (!mayTryWarm(process.argv, process.env)) return false;
  const paths = daemonPaths(process.env, currentBuild(bundle));
  if (!paths) return false;
  const socket = await connect(paths.socket);
  if (!socket) return false;
  let token: string;
  try {
    token = readFileSync(paths.token, 'utf8').trim();
  } catch {
    socket.destroy();
    return false;
  }
  return relay(socket, token, paths.build);
}

function relay(socket: net.Socket, token: string, build: string): Promise<false> {
  return new Promise<false>((resolve) => {
    // Before COMMIT the worker has done nothing that shows: a close or FALLBACK means "run it here".
    let committed = false;
    let relayedSignal: RelayedSignal | undefined;
    let stdoutGone = false;
    let stdinRelayed = false;
    const send = (kind: number, payload?: Buffer | object): void => {
      if (!socket.destroyed) socket.write(encodeFrame(kind, 0, payload));
    };
    const onSignal = (sig: RelayedSignal): void => {
      relayedSignal = sig;
      send(WarmKind.signal, { signal: sig });
    };
    const handlers = RELAYED_SIGNALS.map((sig) => [sig, () => onSignal(sig)] as const);
    for (const [sig, h] of handlers) process.on(sig, h);
    const fallBack = (why: string): void => {
      debug('warm: running here (%s)', why);
      for (const [sig, h] of handlers) process.off(sig, h);
      socket.removeAllListeners();
      socket.destroy();
      // a signal that came while asking is the run's: as if it came now
      if (relayedSignal) process.kill(process.pid, relayedSignal);
      resolve(false);
    };
    const gone = (): void => {
      if (stdoutGone) return;
      stdoutGone = true;
      send(WarmKind.stdoutGone);
      // a write that waited for stdout to drain waits no more
      socket.resume();
    };
    const internalError = (what: string): void => {
      process.stderr.write(`isuops: internal error: ${what} (this is a bug; ISUOPS_WARM=no runs without it)\n`);
      process.exit(1);
    };
    const onCommit = (): void => {
      if (committed) return;
      committed = true;
      process.stdout.on('error', gone);
      process.stderr.on('error', () => undefined);
      // `| grep -m1` while nothing is written: seen as a run without a worker sees it
      watchReader(gone);
      // nothing left to wait for and no exit code: never Node's silent exit 13 (a top-level await that never settled)
      process.once('beforeExit', () => exiting || internalError('the warm worker connection stalled'));
    };
    // frames are read no faster than stdout and stderr take them
    const full = new Set<NodeJS.WriteStream>();
    const write = (stream: NodeJS.WriteStream, chunk: Buffer): void => {
      if (stream === process.stdout && stdoutGone) return;
      if (stream.write(chunk) || full.has(stream) || (stream === process.stdout && stdoutGone)) return;
      full.add(stream);
      socket.pause();
      stream.once('drain', () => {
        full.delete(stream);
        if (full.size === 0) socket.resume();
      });
    };
    const startStdin = (): void => {
      if (stdinRelayed) return;
      stdinRelayed = true;
      process.stdin.on('data', (chunk: Buffer) => send(WarmKind.stdin, chunk));
      process.stdin.on('end', () => send(WarmKind.stdinEof));
      process.stdin.on('error', () => send(WarmKind.stdinEof));
    };
    let exiting = false;
    const exit = (code: number): void => {
      exiting = true;
      socket.destroy();
      // the run is over: a signal now (stdout still flushing) acts as on any process
      for (const [sig, h] of handlers) process.off(sig, h);
      const out = process.stdout;
      if (out.writableLength === 0 || stdoutGone) process.exit(code);
      // what stdout still holds goes out first: the callback of an empty write comes after it
      out.write('', () => process.exit(code));
    };
    const reader = new FrameReader((kind, _id, payload) => {
      switch (kind) {
        case WarmKind.fallback:
          if (!committed) fallBack(payload.toString('utf8') || 'the worker declined');
          break;
        case WarmKind.commit:
          onCommit();
          debug('warm: run by worker pid %s', payload.toString('utf8'));
          break;
        case WarmKind.stdout:
          onCommit();
          write(process.stdout, payload);
          break;
        case WarmKind.stderr:
          onCommit();
          write(process.stderr, payload);
          break;
        case WarmKind.wantStdin:
          onCommit();
          startStdin();
          break;
        case WarmKind.exit:
          exit(Number(payload.toString('utf8')) || 0);
          break;
        default:
          break;
      }
    });
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    socket.on('error', (err) => debug('warm: %s', err.message));
    socket.on('close', () => {
      // the exit code came (and stdout may still be draining)
      if (exiting) return;
      if (!committed) {
        fallBack('the daemon closed the connection');
        return;
      }
      // The worker died without an exit code: by the signal relayed to it, else a bug.
      for (const [sig, h] of handlers) process.off(sig, h);
      if (relayedSignal) {
        process.kill(process.pid, relayedSignal);
        return;
      }
      internalError('the warm worker ended without an exit code');
    });
    socket.write(encodeFrame(Kind.warmRun, 0, invocationOf(process, token, build)));
  });
}
