import type { spawn as Spawn } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { fstatSync } from 'node:fs';
import { createRequire } from 'node:module';

/** Writes one line of isuops's own to stderr, after the terminal's echoed ^C. */
const sayOnStderr = (line: string): void => {
  process.stderr.write(`\n${line}\n`);
};

/**
 * Ctrl-C handling for a run (SIGHUP and SIGTERM alike): the first SIGINT aborts the signal (ops stop their remote
 * processes and the run ends with a summary and exit 130); a second one exits at once.
 * stdout closed under us (`| head` has read enough) stops the run the same way, silently.
 * `say` prints the lines about it (the run's output puts them clear of its progress line).
 */
export function watchInterrupt(say: (line: string) => void = sayOnStderr): { signal: AbortSignal; interrupted: () => boolean } {
  const controller = new AbortController();
  // Every host and channel listens to this one signal.
  setMaxListeners(0, controller.signal);
  const onSignal = (): void => {
    if (controller.signal.aborted) {
      say('isuops: interrupted again: exiting now');
      process.exit(130);
    }
    say('isuops: interrupted: stopping remote processes (Ctrl-C again to quit now)');
    controller.abort();
  };
  // The handler stays until the process ends: a Ctrl-C while the summary is being written
  // must still exit 130, not kill the process by signal. SIGHUP (the terminal was closed) and
  // SIGTERM (kill, systemd, tmux) stop the run the same way: no temp left, remote processes stopped.
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  process.stdout.once('error', () => controller.abort());
  watchReader(() => controller.abort());
  // After a hangup, writes to the gone terminal fail (EIO): the run still ends as it should.
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
  return { signal: controller.signal, interrupted: () => controller.signal.aborted };
}

// The watcher starts only once a run has lasted this long: a short run (most exec, push, pull)
// ends before it would check even once, and spawning it cost every piped run ~10 ms of start-up.
// A reader that goes away earlier is still seen at the next write (EPIPE).
const READER_WATCH_DELAY_MS = 1000;

/**
 * Calls `onGone` when the reader of stdout (a pipe) has gone, even while nothing is written:
 * `isuops tail ... | grep -m1 x` ends when grep does, not at the next line. Node cannot poll
 * stdout for POLLERR itself, so GNU tail does it, as it does for its own output: `tail -f
 * /dev/null` on the same stdout writes nothing and exits by SIGPIPE once the pipe has no reader
 * (checked about once a second); `--pid` ends it with isuops, even a killed one. Elsewhere
 * (no GNU tail) nothing changes. It is started after READER_WATCH_DELAY_MS of run time.
 */
export function watchReader(onGone: () => void): void {
  try {
    if (!fstatSync(1).isFIFO()) return;
  } catch {
    return;
  }
  setTimeout(() => startReaderWatcher(onGone), READER_WATCH_DELAY_MS).unref();
}

function startReaderWatcher(onGone: () => void): void {
  // loaded only now: the thin warm client (src/warm/client.ts) shares this file and rarely gets here
  const spawn = (createRequire(import.meta.url)('node:child_process') as { spawn: typeof Spawn }).spawn;
  const watcher = spawn('tail', ['-f', `--pid=${process.pid}`, '/dev/null'], { stdio: ['ignore', 'inherit', 'ignore'] });
  watcher.on('error', () => undefined);
  watcher.on('exit', (_code, signal) => {
    if (signal === 'SIGPIPE') onGone();
  });
  watcher.unref();
  process.once('exit', () => watcher.kill());
}
