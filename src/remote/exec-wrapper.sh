# exec-wrapper.sh: lets the shell that sshd started run the command itself (so the login shell
# reads its rc files once, as with `ssh HOST CMD`, and what they define is there for the
# command), names the process group that sshd made for the session, and stops that group when
# the channel's stdin closes.
# Usage:   the exec request is this file as one line, then `;isuops_start MARKER MODE;CMD`: the
#          shell runs CMD itself after it, as `sh -c CMD` would, and execs CMD's last simple
#          command. Nothing comes first on stdin (a line there would cost a round trip: sshd opens
#          the window only when it answers the request).
#          (--sudo: the request is `exec sudo -n -- /bin/sh -c 'WRAPPER;isuops_start MARKER MODE;
#          exec "${SHELL:-/bin/sh}" -c "$1"' isuops-sudo CMD`: root's sh runs the wrapper, then
#          execs root's $SHELL -c CMD)
#   MARKER  the per-run prefix of the marker line
#   MODE    watch: CMD's stdin is /dev/null; the channel's stdin closing (isuops's stop, a
#           dropped connection, an abandoned channel) while the shell (or what it exec'd) still
#           runs stops the group: TERM, then KILL 2 s later
#           stdin: CMD reads the channel's stdin (-I); nothing watches it
#          (signal mode, where the client stops the group with SSH signal requests and nothing
#          watches the channel, is exec-signal.sh: shorter, the daemon's kept connections)
# Output:  `MARKER<pgid>` on stderr before anything of CMD's; then CMD's stdout and stderr.
# Exit:    CMD's, as the shell gives it (the shell execs its last command, so a death by signal
#          is the command's own). 125 with one line on stderr when the shell is not in a process
#          group that leads its own session (sshd makes one; without it nothing could be
#          stopped): CMD is not run.
# Needs:   /proc (Linux), kill, sleep; a POSIX login shell (bash, dash, zsh, ksh, busybox ash).

isuops_start() {
  isuops_g=
  if IFS= read -r isuops_s </proc/$$/stat; then
    isuops_s=${isuops_s##*) }
    isuops_s=${isuops_s#* }
    isuops_s=${isuops_s#* }
    isuops_g=${isuops_s%% *}
    isuops_s=${isuops_s#* }
    isuops_s=${isuops_s%% *}
  fi
  if [ -z "$isuops_g" ] || [ "$isuops_g" != "$isuops_s" ]; then
    echo "isuops: this shell is not in a process group of its own session (sshd makes one): the command could not be stopped, so it is not run" >&2
    exit 125
  fi
  printf '%s%s\n' "$1" "$isuops_g" >&2
  # The watcher is in this shell's group, and a `wait` in CMD must not wait for it: a shell
  # with disown (bash, zsh, ksh93) forks it once and disowns it; another forks twice, so that
  # it is no child of this shell.
  if [ "$2" = watch ]; then
    exec 3<&0 </dev/null
    if command -v disown >/dev/null 2>&1; then
      isuops_watch <&3 >/dev/null 2>&1 &
      # shellcheck disable=SC3044 # only where the shell has it
      disown "$!"
    else
      (isuops_watch <&3 >/dev/null 2>&1 &)
    fi
    exec 3<&-
  fi
  unset isuops_s
}
isuops_watch() {
  while read -r isuops_s; do :; done
  if ! kill -0 $$ 2>/dev/null; then
    exit 0
  fi
  # The stop execs a shell of its own: this one's argv holds the command's text, and `ps` on the
  # host must not show it once the command is being stopped. TERM stays ignored across the exec.
  trap '' TERM
  exec /bin/sh -c 'kill -TERM -"$1" 2>/dev/null;sleep 2;kill -KILL -"$1" 2>/dev/null' isuops-stop "$isuops_g"
}
