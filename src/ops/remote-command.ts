import { quote } from 'shell-quote';

/** sh script, $1 = process group: waits up to 2 s for the group to go after a TERM, then KILLs what is left. */
const STOP_GROUP = 'i=0; while kill -0 -"$1" 2>/dev/null && [ $i -lt 20 ]; do sleep 0.1; i=$((i+1)); done; kill -KILL -"$1" 2>/dev/null; true';

/**
 * The POSIX sh wrapper every exec runs in. It starts the user's command in a session of its
 * own (so the whole process tree can be signalled), tells us that process group on stderr,
 * and, unless stdin carries user data, kills the group (TERM, then KILL 2 s later: TERM may be
 * ignored) when the channel's stdin closes:
 * a dropped connection or an abandoned channel then leaves nothing running.
 * $1 = command, $2 = `watch` | `stdin`, $3 = marker. A death by signal is re-raised so that
 * sshd reports the signal, not 128+n.
 */
const WRAPPER = [
  // dash points an async list's stdin at /dev/null before its own redirections, so the
  // channel's stdin is kept on fd 3 first.
  'exec 3<&0',
  's=${SHELL:-/bin/sh}',
  'if command -v setsid >/dev/null 2>&1; then r=setsid; else r=; fi',
  'if [ "$2" = stdin ]; then $r "$s" -c "$1" <&3 3<&- & p=$!; else $r "$s" -c "$1" </dev/null 3<&- & p=$!; fi',
  'printf "%s%s\\n" "$3" "$p" >&2',
  // The KILL runs in a small process of its own, started before the TERM: the wrapper stops the
  // watcher as soon as the command's shell is gone, which the TERM can make happen before the
  // watcher's next step, and members that ignored TERM may still be in the group. It ends with
  // the group.
  `STOP=${quote([STOP_GROUP])}`,
  'w=',
  'if [ "$2" != stdin ]; then (cat >/dev/null; sh -c "$STOP" isuops-stop "$p" & kill -TERM -"$p") <&3 3<&- >/dev/null 2>&1 & w=$!; fi',
  'wait "$p"; c=$?',
  '[ -n "$w" ] && kill "$w" 2>/dev/null',
  'if [ "$c" -gt 128 ] && [ "$c" -lt 160 ]; then kill -s "$(kill -l "$c")" $$ 2>/dev/null; fi',
  'exit "$c"',
].join('\n');

export interface WrapOptions {
  sudo: boolean;
  /** True when local stdin is forwarded (-I): the channel's stdin belongs to the command. */
  stdin: boolean;
  /** A per-run string that starts the marker line; see parseMarker. */
  marker: string;
}

/** The exec request text for `command`: it still runs through the login shell ($SHELL -c), unchanged. */
export function buildWrappedCommand(command: string, opts: WrapOptions): string {
  const args = ['/bin/sh', '-c', WRAPPER, 'isuops', command, opts.stdin ? 'stdin' : 'watch', opts.marker];
  return quote(opts.sudo ? ['sudo', '-n', '--', ...args] : args);
}

/** The command that stops a wrapped process group: TERM, then KILL if it is still there. */
export function buildKillCommand(pgid: number, opts: { sudo: boolean }): string {
  const args = ['/bin/sh', '-c', `kill -TERM -"$1" 2>/dev/null; ${STOP_GROUP}`, 'isuops-stop', String(pgid)];
  return quote(opts.sudo ? ['sudo', '-n', '--', ...args] : args);
}

/** The process group announced by the wrapper, when `line` is its marker line. */
export function parseMarker(line: Buffer, marker: string): number | undefined {
  if (line.length > marker.length + 12 || !line.subarray(0, marker.length).equals(Buffer.from(marker))) return undefined;
  const pgid = Number(line.subarray(marker.length).toString('latin1'));
  return Number.isInteger(pgid) && pgid > 1 ? pgid : undefined;
}
