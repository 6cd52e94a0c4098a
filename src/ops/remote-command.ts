import { joinLines } from '../remote/one-line.js';
import { quoteCommand, quoteWord } from '../remote/quote.js';
import { remoteScript } from '../remote/scripts.js';

export interface WrapOptions {
  sudo: boolean;
  /** True when local stdin is forwarded (-I): the channel's stdin belongs to the command. */
  stdin: boolean;
  /** A per-run string that starts the marker line; see parseMarker. */
  marker: string;
}

/** A wrapped command: the exec request, and the bytes to send first on the channel's stdin. */
export interface WrappedCommand {
  request: string;
  input: Buffer;
}

/**
 * The loader at the head of every wrapped command's exec request: the login shell reads the
 * wrapper's definitions from the channel's first line and runs them, then the command's text,
 * which follows in the request itself as with `ssh HOST CMD` (same parse, same line numbers, and
 * the shell execs its last simple command: no fork of its own, the command's exit or signal is
 * reported as is). `ps` on the host shows the loader and the command while the shell runs.
 */
export const WRAPPER_LOADER = 'IFS= read -r isuops_w;eval "$isuops_w"';

/** What root's /bin/sh runs under --sudo: the same loader, then the command with root's shell. */
const SUDO_LOADER = `${WRAPPER_LOADER};exec "\${SHELL:-/bin/sh}" -c "$1"`;

/**
 * `command` under src/remote/exec-wrapper.sh: the login shell (or, with sudo, root's /bin/sh,
 * which execs root's $SHELL -c with it) runs the command text unchanged, in the process group
 * sshd made for the session, which the wrapper names on stderr and stops when the channel's stdin
 * closes (unless stdin carries data: -I). The rc files are read once, by the login shell.
 */
export function buildWrappedCommand(command: string, opts: WrapOptions): WrappedCommand {
  const defs = joinLines(remoteScript('exec-wrapper'));
  const start = `isuops_start ${quoteWord(opts.marker)} ${opts.stdin ? 'stdin' : 'watch'}`;
  const request = opts.sudo ? `exec sudo -n -- /bin/sh -c ${quoteWord(SUDO_LOADER)} isuops-sudo ${quoteWord(command)}` : `${WRAPPER_LOADER};${command}`;
  return { request, input: Buffer.from(`${defs};${start}\n`) };
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
