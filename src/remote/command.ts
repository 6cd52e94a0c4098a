import { joinLines } from './one-line.js';
import { quoteCommand, quoteWord } from './quote.js';
import { remoteScript } from './scripts.js';

export interface WrapOptions {
  sudo: boolean;
  /** True when local stdin is forwarded (-I): the channel's stdin belongs to the command. */
  stdin: boolean;
  /**
   * Nothing on the host watches the channel's stdin (no watcher fork); the client stops the group
   * with SSH signal requests instead (src/remote/exec-signal.sh). Not with -I or sudo (there the
   * channel's stdin, or the watcher, does).
   */
  signals?: boolean;
  /** A per-run string that starts the marker line; see parseMarker. */
  marker: string;
}

/**
 * `command` under src/remote/exec-wrapper.sh, all in the exec request: the wrapper's definitions
 * and its start, then the command's text, which the login shell (or, with sudo, root's /bin/sh,
 * which execs root's $SHELL -c with it) parses and runs itself as with `ssh HOST CMD` (same parse,
 * same line numbers, and the shell execs its last simple command: no fork of its own, the
 * command's exit or signal is reported as is). The rc files are read once, by the login shell. The
 * process group sshd made for the session is named on stderr and stopped when the channel's stdin
 * closes (unless stdin carries data: -I). Nothing comes on stdin first: sshd opens a session's
 * window only when it answers the request, so a line sent there would cost a round trip.
 */
export function buildWrappedCommand(command: string, opts: WrapOptions): string {
  // signal mode has a wrapper of its own: no watcher to define, and a cheaper check of the group
  if (opts.signals && !opts.stdin && !opts.sudo) return `${joinLines(remoteScript('exec-signal'))};isuops_signal ${quoteWord(opts.marker)};${command}`;
  const wrapper = `${joinLines(remoteScript('exec-wrapper'))};isuops_start ${quoteWord(opts.marker)} ${opts.stdin ? 'stdin' : 'watch'}`;
  return opts.sudo
    ? `exec sudo -n -- /bin/sh -c ${quoteWord(`${wrapper};exec "\${SHELL:-/bin/sh}" -c "$1"`)} isuops-sudo ${quoteWord(command)}`
    : `${wrapper};${command}`;
}

/** The command that stops a wrapped process group: TERM, then KILL if it is still there. */
export function buildKillCommand(pgid: number, opts: { sudo: boolean }): string {
  const args = ['/bin/sh', '-c', remoteScript('stop-group'), 'isuops-stop', String(pgid), 'TERM'];
  return quoteCommand(opts.sudo ? ['sudo', '-n', '--', ...args] : args);
}

/** The process group announced by the wrapper, when `line` is its marker line. */
export function parseMarker(line: Buffer, marker: string): number | undefined {
  if (line.length > marker.length + 12 || !line.subarray(0, marker.length).equals(Buffer.from(marker))) return undefined;
  const pgid = Number(line.subarray(marker.length).toString('latin1'));
  return Number.isInteger(pgid) && pgid > 1 ? pgid : undefined;
}
