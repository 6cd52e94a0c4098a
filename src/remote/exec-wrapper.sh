# exec-wrapper.sh: runs one command in a process group of its own, names that group, and stops
# it when the channel's stdin closes.
# Usage:   /bin/sh -c SCRIPT isuops CMD MODE MARKER STOP
#   CMD     the user's command text, run as "$SHELL -c CMD" (unchanged)
#   MODE    watch: CMD's stdin is /dev/null; the channel's stdin closing (a dropped connection,
#           an abandoned channel) stops the group: TERM, then KILL 2 s later
#           stdin: CMD reads the channel's stdin (-I); nothing watches it
#   MARKER  the per-run prefix of the marker line
#   STOP    the text of stop-group.sh (run by the watcher as `sh -c STOP isuops-stop PGID`)
# Output:  `MARKER<pgid>` on stderr before anything of CMD's; then CMD's stdout and stderr.
# Exit:    CMD's status; a death by signal is re-raised so that sshd reports the signal.
#          127 with one line on stderr when setsid is missing (without it there is no group
#          that -t or Ctrl-C could stop).
# Needs:   setsid (util-linux), kill, sleep, cat.

# dash points an async list's stdin at /dev/null before its own redirections, so the
# channel's stdin is kept on fd 3 first.
exec 3<&0
s=${SHELL:-/bin/sh}
if ! command -v setsid >/dev/null 2>&1; then
  echo "isuops: setsid is not installed on this host (util-linux): without it the command could not be stopped" >&2
  exit 127
fi
if [ "$2" = stdin ]; then
  setsid "$s" -c "$1" <&3 3<&- &
else
  setsid "$s" -c "$1" </dev/null 3<&- &
fi
p=$!
printf '%s%s\n' "$3" "$p" >&2
# The KILL runs in a small process of its own, started before the TERM: the wrapper stops the
# watcher as soon as the command's shell is gone, which the TERM can make happen before the
# watcher's next step, and members that ignored TERM may still be in the group. It ends with
# the group.
w=
if [ "$2" != stdin ]; then
  (cat >/dev/null; sh -c "$4" isuops-stop "$p" & kill -TERM -"$p") <&3 3<&- >/dev/null 2>&1 &
  w=$!
fi
wait "$p"
c=$?
[ -n "$w" ] && kill "$w" 2>/dev/null
if [ "$c" -gt 128 ] && [ "$c" -lt 160 ]; then
  kill -s "$(kill -l "$c")" $$ 2>/dev/null
fi
exit "$c"
