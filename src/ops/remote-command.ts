import { joinLines, lineQuote, NEWLINE_VAR } from '../remote/one-line.js';
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
 * The exec request of every wrapped command: short (it is what `ps` shows of isuops on the host),
 * the same for all. The login shell reads the wrapper and the command from the channel's first
 * line and runs them itself: its rc files are read once, as with `ssh HOST CMD`.
 */
export const WRAPPER_REQUEST = 'IFS= read -r isuops_w;eval "$isuops_w"';

/**
 * `command` under src/remote/exec-wrapper.sh: the login shell (or, with sudo, root's /bin/sh,
 * which runs it with root's $SHELL -c) evaluates the command text unchanged, in the process group
 * sshd made for the session, which the wrapper names on stderr and stops when the channel's stdin
 * closes (unless stdin carries data: -I).
 */
export function buildWrappedCommand(command: string, opts: WrapOptions): WrappedCommand {
  const defs = joinLines(remoteScript('exec-wrapper'));
  const start = `isuops_start ${quoteWord(opts.marker)} ${opts.stdin ? 'stdin' : 'watch'}`;
  const nl = command.includes('\n') ? `${NEWLINE_VAR};` : '';
  const lines = opts.sudo
    ? [
        `${nl}exec sudo -n -- /bin/sh -c ${quoteWord(WRAPPER_REQUEST)} isuops-sudo ${lineQuote(command)}`,
        `${defs};${start}&&{ "\${SHELL:-/bin/sh}" -c "$1";isuops_end $?;}`,
      ]
    : [`${defs};${nl}${start}&&{ eval ${lineQuote(command)};isuops_end $?;}`];
  return { request: WRAPPER_REQUEST, input: Buffer.from(lines.map((l) => `${l}\n`).join('')) };
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
