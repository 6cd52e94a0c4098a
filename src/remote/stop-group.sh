# stop-group.sh: waits up to 2 s for a process group to go after a TERM, then KILLs what is left.
# Usage:   sh -c SCRIPT isuops-stop PGID [TERM]
#   PGID    the group (as announced by the exec wrapper)
#   TERM    when given, the group is sent TERM first (the kill channel); without it the caller
#           has sent it (the wrapper's watcher)
# Output:  nothing.
# Exit:    0.
# Needs:   kill, sleep (fractional seconds: GNU coreutils or busybox).

if [ "${2-}" = TERM ]; then
  kill -TERM -"$1" 2>/dev/null
fi
i=0
while kill -0 -"$1" 2>/dev/null && [ $i -lt 20 ]; do
  sleep 0.1
  i=$((i + 1))
done
kill -KILL -"$1" 2>/dev/null
true
