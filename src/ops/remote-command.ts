import { quoteCommand } from '../remote/quote.js';
import { remoteScript } from '../remote/scripts.js';

export interface WrapOptions {
  sudo: boolean;
  /** True when local stdin is forwarded (-I): the channel's stdin belongs to the command. */
  stdin: boolean;
  /** A per-run string that starts the marker line; see parseMarker. */
  marker: string;
}

/**
 * The exec request text for `command`: it runs under src/remote/exec-wrapper.sh, still through
 * the login shell ($SHELL -c), unchanged.
 */
export function buildWrappedCommand(command: string, opts: WrapOptions): string {
  const args = ['/bin/sh', '-c', remoteScript('exec-wrapper'), 'isuops', command, opts.stdin ? 'stdin' : 'watch', opts.marker, remoteScript('stop-group')];
  return quoteCommand(opts.sudo ? ['sudo', '-n', '--', ...args] : args);
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
