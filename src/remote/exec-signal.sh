# exec-signal.sh: exec-wrapper.sh's signal mode on its own, as short as it can be (a host's login
# shell parses it before every command): for the daemon's kept connections to an sshd that takes
# SSH "signal" channel requests (OpenSSH 7.9 and later turns one into killpg() of the session's
# process group, the one named here). Nothing on the host watches the channel; the daemon stops
# the group with signal requests, TERM then KILL (src/daemon/signalled-group.ts).
# Usage:   the exec request is this file as one line, then `;isuops_signal MARKER;CMD`: the shell
#          runs CMD itself after it, as `sh -c CMD` would, and execs CMD's last simple command
#          (as under exec-wrapper.sh). CMD's stdin is /dev/null.
# Output:  `MARKER<pgid>` on stderr before anything of CMD's; then CMD's stdout and stderr.
# Exit:    CMD's, as the shell gives it. 125 with one line on stderr when the shell is not in the
#          process group that leads its session (sshd makes one; a signal request would miss
#          CMD): CMD is not run. /proc/$$/stat is read by fields, with no pattern matching (what
#          costs exec-wrapper.sh's parse ~0.5 ms a command, bench/wrapper-cost.py), so a login
#          shell whose file name has a space in it is refused too.
# Needs:   /proc (Linux); a POSIX login shell (bash, dash, zsh, ksh, busybox ash).

isuops_signal() {
  # pid, name, state, parent, group, session, the rest
  # shellcheck disable=SC2034 # isuops_p takes the fields that are not looked at
  IFS=' ' read -r isuops_p isuops_p isuops_p isuops_p isuops_g isuops_s isuops_p </proc/$$/stat
  if [ -z "$isuops_g" ] || [ "$isuops_g" != "$isuops_s" ]; then
    echo "isuops: this shell is not in a process group of its own session (sshd makes one): the command could not be stopped, so it is not run" >&2
    exit 125
  fi
  printf '%s%s\n' "$1" "$isuops_g" >&2
  exec </dev/null
  unset isuops_p isuops_s
}
