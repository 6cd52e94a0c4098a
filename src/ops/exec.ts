import { randomBytes } from 'node:crypto';
import { ConnectError } from '../errors.js';
import type { HostSession, RemoteProcess } from '../transport/types.js';
import type { Emit } from './events.js';
import type { FlowGate } from './flow.js';
import { LineSplitter } from './line-splitter.js';
import { buildWrappedCommand } from '../remote/command.js';
import { RemoteGroup } from './remote-group.js';
import { makeResult, type HostResult } from './result.js';

// bash's report of a job that died of TERM or KILL: `Terminated`, `bash: line 1:  42 Killed  sleep 9`.
const JOB_REPORT = /^(?:.*: line \d+: +\d+ )?(?:Terminated|Killed)(?: .*)?$/;

export interface ExecOptions {
  command: string;
  /** Run through `sudo -n` (never prompts). */
  sudo: boolean;
  /** Seconds after which the remote process group is stopped; the host counts as timed out. */
  timeoutSec?: number;
  /** Bytes sent to the command's stdin (-I); without it the command's stdin is /dev/null. */
  stdin?: Buffer;
  /** Aborted on Ctrl-C: the remote process group is stopped and the host ends 'interrupted'. */
  signal: AbortSignal;
  emit: Emit;
  /** Pauses the channel while the output cannot keep up. */
  flow?: FlowGate;
}

/**
 * Runs one command on one host and streams its output as line events.
 * Always resolves to the host's result: ok, failed (non-zero exit), timeout, interrupted,
 * or unreachable when the connection drops mid-command.
 */
export async function execOnHost(session: HostSession, opts: ExecOptions): Promise<HostResult> {
  const host = session.host.name;
  const started = Date.now();
  const marker = `@isuops:${randomBytes(6).toString('hex')}:pgid:`;
  const group = new RemoteGroup(session, marker, opts.sudo);
  let stopReason: 'timeout' | 'interrupted' | undefined;
  let exitCode: number | null = null;
  let exitSignal: string | null = null;
  let closed!: Promise<void>;

  const out = new LineSplitter((line, partial) => opts.emit(partial ? { type: 'stdout', host, line, partial } : { type: 'stdout', host, line }));
  const err = new LineSplitter((line, partial) => {
    if (partial) return opts.emit({ type: 'stderr', host, line, partial });
    if (group.take(line)) return;
    // After isuops stopped the command, the remote shell's job report is noise, not output.
    if (stopReason && JOB_REPORT.test(line.toString('latin1'))) return;
    opts.emit({ type: 'stderr', host, line });
  });
  const attach = (channel: RemoteProcess): void => {
    channel.on('data', (chunk: Buffer) => {
      out.push(chunk);
      opts.flow?.throttle(channel);
    });
    channel.stderr.on('data', (chunk: Buffer) => {
      err.push(chunk);
      opts.flow?.throttle(channel);
    });
    channel.on('exit', (code: number | null, signal?: string) => {
      exitCode = code;
      exitSignal = signal ?? null;
      // The wrapper's stdin watcher ends on EOF; the command itself is done.
      if (opts.stdin === undefined) channel.end();
    });
    closed = new Promise((resolve) => channel.once('close', () => resolve()));
  };

  let channel: RemoteProcess;
  try {
    // the transport wraps it where it can stop it without a watcher on the host (kept connections)
    if (!opts.sudo && opts.stdin === undefined && session.execStoppable) channel = await session.execStoppable(opts.command, marker, attach);
    else channel = await session.exec(buildWrappedCommand(opts.command, { sudo: opts.sudo, stdin: opts.stdin !== undefined, marker }), attach);
  } catch (error) {
    // A kept connection found dead that could not be made again: the host is unreachable.
    if (error instanceof ConnectError) return makeResult(host, 'unreachable', { error: error.message, durationMs: Date.now() - started });
    return makeResult(host, 'failed', { error: `could not start the command: ${(error as Error).message}`, durationMs: Date.now() - started });
  }

  const stop = (reason: 'timeout' | 'interrupted'): void => {
    if (stopReason) return;
    stopReason = reason;
    // Without -I the channel's stdin closing stops the group; with -I it belongs to the command.
    if (opts.stdin === undefined) group.stopByEof(channel);
    else group.stop();
  };
  const timer = opts.timeoutSec !== undefined ? setTimeout(() => stop('timeout'), opts.timeoutSec * 1000) : undefined;
  const onAbort = (): void => stop('interrupted');
  opts.signal.addEventListener('abort', onAbort, { once: true });
  if (opts.signal.aborted) onAbort();

  if (opts.stdin !== undefined) channel.end(opts.stdin);

  await closed;
  group.closed();
  clearTimeout(timer);
  opts.signal.removeEventListener('abort', onAbort);
  out.flush();
  err.flush();
  await group.stopped();
  const exit = { code: exitCode as number | null, signal: exitSignal as string | null };

  const durationMs = Date.now() - started;
  if (stopReason === 'timeout') {
    return makeResult(host, 'timeout', { exitCode: exit.code, signal: exit.signal, timedOut: true, error: `timed out after ${opts.timeoutSec}s: remote process stopped`, durationMs });
  }
  if (stopReason === 'interrupted') {
    return makeResult(host, 'interrupted', { exitCode: exit.code, signal: exit.signal, error: 'interrupted: remote process stopped', durationMs });
  }
  if (exit.code === null && exit.signal === null) {
    return makeResult(host, 'unreachable', { error: 'connection lost before the command finished', durationMs });
  }
  if (exit.code === 0) return makeResult(host, 'ok', { exitCode: 0, durationMs });
  const error = exit.signal ? `killed by signal ${exit.signal}` : `exit code ${exit.code}`;
  return makeResult(host, 'failed', { exitCode: exit.code, signal: exit.signal, error, durationMs });
}
