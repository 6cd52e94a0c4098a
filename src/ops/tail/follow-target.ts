import { randomBytes } from 'node:crypto';
import type { HostSession, RemoteProcess } from '../../transport/types.js';
import type { FlowGate } from '../flow.js';
import { LineBlockSplitter, LineSplitter } from '../line-splitter.js';
import { buildWrappedCommand } from '../../remote/command.js';
import { RemoteGroup } from '../remote-group.js';
import type { TailEmit, TailLineEvent } from './events.js';
import { buildFileCommand, parseFileMarker, parseTailNotice, type FilePosition } from './file-command.js';
import { buildJournalCommand } from './journal-command.js';
import { parseJournalLine } from './journal-entry.js';
import { makeStderrSorter } from './follower-stderr.js';
import type { LineFilter } from './line-filter.js';
import type { TailTarget } from './targets.js';
import { debug } from '../../core/debug.js';


// How long a stopped follower's channel is given to close before the host's connection is closed anyway.
const STOP_GRACE_MS = 700;

/** What one target has delivered so far on one host; it outlives reconnects. */
export interface TargetState {
  target: TailTarget;
  /** True once a follower ran: the next one resumes instead of showing history. */
  started: boolean;
  /** File targets: where the bytes delivered so far end (undefined until the follower said where it started). */
  position?: FilePosition;
  /** File targets: a line cut by a drop is completed by the bytes that follow after the reconnect. */
  splitter?: LineSplitter | LineBlockSplitter;
  /** Unit targets: the last entry shown. */
  cursor?: string;
}

export interface FollowOptions {
  lines: number;
  since?: string;
  sudo: boolean;
  filter?: LineFilter;
  signal: AbortSignal;
  emit: TailEmit;
  /** Pauses the channel while the output cannot keep up. */
  flow?: FlowGate;
  /** Called when the channel closed without the follower exiting: the connection is gone. */
  onDrop?: () => void;
}

/** How a follower ended: stopped by Ctrl-C, cut by a lost connection, or exited by itself. */
export type FollowOutcome = { kind: 'stopped' } | { kind: 'dropped' } | { kind: 'ended'; exitCode: number | null; signal: string | null; said?: string };

export function makeTargetState(target: TailTarget): TargetState {
  return { target, started: false };
}

function buildFollower(state: TargetState, opts: FollowOptions, marker: string): string {
  const { target } = state;
  if (target.kind === 'file') {
    const resume = state.started ? (state.position ?? { offset: 0 }) : undefined;
    return buildFileCommand(target.path, { lines: opts.lines, resume, marker });
  }
  return buildJournalCommand(target.unit, { lines: state.started ? 0 : opts.lines, since: state.started ? undefined : opts.since, afterCursor: state.cursor });
}

/**
 * Follows one target on one host's connection until Ctrl-C, a lost connection, or the
 * follower's own exit. Lines go out as events labelled with the target; the follower's
 * stderr (e.g. tail's "cannot open") goes out as stderr lines. The follower runs inside
 * the exec wrapper, so closing the channel (or losing the connection) kills it remotely.
 */
export async function followTarget(session: HostSession, state: TargetState, opts: FollowOptions): Promise<FollowOutcome> {
  const host = session.host.name;
  const label = state.target.label;
  const marker = `@isuops:${randomBytes(6).toString('hex')}:`;
  const emitLine = (line: Buffer, time?: number, partial?: boolean): void => {
    if (opts.filter && !opts.filter(line)) return;
    const event: TailLineEvent = partial ? { type: 'stdout', host, target: label, line, time, partial } : { type: 'stdout', host, target: label, line, time };
    opts.emit(event);
  };

  // Bytes of the file delivered = where this follower started + what it has sent since.
  let base: number | undefined;
  let inode: string | undefined;
  let received = 0;
  const updatePosition = (): void => {
    if (base !== undefined) state.position = { inode, offset: base + received };
  };

  let onStdout: (chunk: Buffer) => void;
  if (state.target.kind === 'file') {
    // Without a filter, lines go on in blocks: the renderer labels them in one pass.
    const splitter = (state.splitter ??= opts.filter
      ? new LineSplitter((line, partial) => emitLine(line, undefined, partial))
      : new LineBlockSplitter((lines) => opts.emit({ type: 'stdout-lines', host, target: label, lines })));
    onStdout = (chunk) => {
      received += chunk.length;
      splitter.push(chunk);
    };
  } else {
    // A journal entry is one JSON line: the pieces of one past the cap cannot be parsed and are dropped.
    const splitter = new LineSplitter((raw, partial) => {
      const entry = partial ? undefined : parseJournalLine(raw);
      if (!entry) return;
      state.cursor = entry.cursor;
      for (const line of entry.lines) emitLine(line, entry.time);
    });
    onStdout = (chunk) => splitter.push(chunk);
  }

  const pgidMarker = `${marker}pgid:`;
  const group = new RemoteGroup(session, pgidMarker, opts.sudo);
  let stopping = false;
  const stderrSorter = makeStderrSorter(state.target, opts.sudo);
  const err = new LineSplitter((line, partial) => {
    if (partial) return opts.emit({ type: 'stderr', host, target: label, line, partial });
    if (group.take(line)) return;
    if (state.target.kind === 'file') {
      const said = parseFileMarker(line, marker);
      if (said && 'rotated' in said) {
        // The file changed while we were away: what was cut off belongs to the old one.
        state.splitter?.flush();
        opts.emit({ type: 'notice', host, message: `${label}: the file was rotated or truncated while disconnected: following it from its beginning` });
        return;
      }
      if (said) {
        // Printed before tail started: every stdout byte of this follower comes after it,
        // even when the channel delivered some of them first.
        base = said.start.offset;
        inode = said.start.inode;
        updatePosition();
        return;
      }
      const notice = parseTailNotice(line);
      if (notice) {
        // tail now reads the new (or truncated) file from its beginning. (Bytes of the new file
        // that overtook this notice on the channel make a resume right after it a little off.)
        base = -received;
        if (notice === 'replaced') inode = undefined;
        state.splitter?.flush();
      }
    }
    // Once stopped, the remote shells' "Terminated" is noise.
    if (stopping) return;
    const verdict = stderrSorter.sort(line);
    if (verdict.kind === 'notice') opts.emit({ type: 'notice', host, message: verdict.message });
    if (verdict.kind !== 'line') return;
    const event: TailLineEvent = { type: 'stderr', host, target: label, line };
    opts.emit(event);
  });

  let exitCode: number | null = null;
  let exitSignal: string | null = null;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  // Listeners go on synchronously in the open callback: a follower that exits at once (no
  // journalctl) can deliver its output, exit and close together with the open confirmation.
  let channel: RemoteProcess;
  try {
    const wrapped = buildWrappedCommand(buildFollower(state, opts, marker), { sudo: opts.sudo, stdin: false, marker: pgidMarker });
    channel = await session.exec(wrapped, (ch) => {
      ch.on('data', (chunk: Buffer) => {
        onStdout(chunk);
        updatePosition();
        opts.flow?.throttle(ch);
      });
      ch.stderr.on('data', (chunk: Buffer) => err.push(chunk));
      ch.on('exit', (c: number | null, sig?: string) => {
        exitCode = c;
        exitSignal = sig ?? null;
        ch.end();
      });
      ch.once('close', () => resolveClosed());
    });
  } catch (error) {
    debug('%s: %s: could not open a channel: %s', host, label, (error as Error).message);
    opts.onDrop?.();
    return { kind: 'dropped' };
  }
  const resuming = state.started;
  state.started = true;

  const onAbort = (): void => {
    if (stopping) return;
    stopping = true;
    // EOF on the channel makes the wrapper kill the follower; the kill channel is the backup.
    group.stopByEof(channel);
  };
  opts.signal.addEventListener('abort', onAbort, { once: true });
  if (opts.signal.aborted) onAbort();

  const exit = await new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    let grace: NodeJS.Timeout | undefined;
    const done = (): void => {
      clearTimeout(grace);
      resolve({ code: exitCode, signal: exitSignal });
    };
    void closed.then(() => {
      group.closed();
      done();
    });
    opts.signal.addEventListener('abort', () => {
      grace = setTimeout(done, STOP_GRACE_MS);
    }, { once: true });
    if (opts.signal.aborted) grace = setTimeout(done, STOP_GRACE_MS);
  });
  opts.signal.removeEventListener('abort', onAbort);
  err.flush();
  debug('%s: %s: follower closed (code %s, signal %s, resumed %s)', host, label, exit.code, exit.signal, resuming);

  if (stopping) {
    state.splitter?.flush();
    await Promise.race([group.stopped(), new Promise((r) => setTimeout(r, 300))]);
    return { kind: 'stopped' };
  }
  if (exit.code === null && exit.signal === null) {
    opts.onDrop?.();
    return { kind: 'dropped' };
  }
  state.splitter?.flush();
  return { kind: 'ended', exitCode: exit.code, signal: exit.signal, said: stderrSorter.held() };
}
