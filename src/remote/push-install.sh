# push-install.sh: the root-side half of push --sudo, run as `sudo -n /bin/sh -c SCRIPT isuops OP...`.
# Usage:   OP... in six words each: KIND SRC DST MODE OWNER MTIME (`-` = leave alone)
#   P   DST is the directory the ops that follow work under: symlinks in its own path are
#       followed (once, here); below it none is, even one that appears mid-run
#   F   install the staged file SRC at DST: a copy keeping SRC's mode and times, then MODE,
#       OWNER and MTIME when given
#   G   install every file of the staged directory SRC into directory DST under its own name
#       (OWNER when given)
#   L   symlink DST -> SRC
#   D   directory DST
#   A   attributes of DST only
#   X   rm -rf DST
#   R   rmdir DST (an empty directory in the way of a file)
#   T   extract the tar archive on stdin at DST (`/`): see src/ops/push/tar-batch.ts (only
#       for directories that no user but root can change: tar follows symlinks in paths)
#   M   rename every file of the staging directory SRC, filled by T, into directory DST; after
#       a failed T, only remove SRC
#   S   stop (exit 1) if an op before failed: what follows relies on it (push runs its ops, the
#       tar stream and the directory times in one script, as if they were three)
#   Every op but T first enters the directory it works in (`cd -P`) and checks that the shell
#   is where the path says (under P's directory, no symlink in the path), then works on plain
#   names there: a user who owns a directory inside the target and swaps a directory for a
#   symlink mid-run makes that op fail, never act outside the target. Names are re-checked with
#   `-h` right before a chmod. F and L write into a private temp directory beside DST and
#   rename the file over DST; G copies into one and renames each file from there (`mv -t`,
#   rename(2) per file). So a target is always either the old or the whole new file; a failed
#   step removes its temps. Attributes go owner first: chown clears setuid and setgid bits,
#   chmod after it sets them.
# Output:  nothing on stdout; one `isuops: ...` line on stderr per failed op (tar's own lines
#          for T).
# Exit:    0 every op done; 1 some op failed (the others still run); 2 an unknown op kind or a
#          partial op at the end (nothing is run then).
# Needs:   GNU coreutils (cp --preserve, mv -T/-t, mktemp, touch -h -d @N, chown -h), tar (T).

# SIGPIPE is ignored: if the connection drops, the script still removes its temps.
trap '' PIPE
if [ $(($# % 6)) -ne 0 ]; then
  echo "isuops: the root script got a partial op ($# words: ops are six words each)" >&2
  exit 2
fi
rc=0
tfail=
# The trusted directory (P) as given and as it really is.
lr=/
pr=/
# Enters directory $1, or fails: the shell must end up where the path says.
enter() {
  case $1 in
    "$lr") e=$pr ;;
    "$lr"/*) e=${pr%/}/${1#"$lr"/} ;;
    *) e=$1 ;;
  esac
  if cd -P -- "$1" 2>/dev/null && [ "$PWD" = "$e" ]; then return 0; fi
  echo "isuops: $1 is not where its path says (a symlink in it, or it changed mid-run): left alone" >&2
  return 1
}
# Enters the directory of path $1 and sets b to its last name.
at() {
  b=${1##*/}
  d=${1%/*}
  enter "${d:-/}"
}
# Attributes of name $4 in the current directory: owner, mode (not through a symlink), mtime.
attrs() {
  { [ "$2" = - ] || chown -h -- "$2" "$4"; } && { [ "$1" = - ] || [ -h "$4" ] || chmod "$1" -- "$4"; } && { [ "$3" = - ] || touch -h -d "@$3" -- "$4"; }
}
# F/L: the new file is made in a private directory beside DST, then renamed over it.
put() {
  at "$3" || return 1
  t=$(mktemp -d "./.isuops-XXXXXX") || return 1
  if enter "$e/${t#./}" && { if [ "$1" = F ]; then cp --preserve=mode,timestamps -- "$2" ./f; else ln -s -- "$2" ./f; fi; } && attrs "$4" "$5" "$6" ./f && mv -f -T -- ./f "../$b"; then
    cd .. && rmdir -- "$t"
    return 0
  fi
  cd "$pr" && at "$3" && rm -rf -- "$t"
  return 1
}
# Renames every entry of $1 into $2 under its own name; globs keep names as data, whatever bytes they hold.
mvall() {
  mv_to=$2
  mv_from=$1
  set --
  for f in "$mv_from"/* "$mv_from"/.[!.]* "$mv_from"/..?*; do
    if [ -e "$f" ] || [ -L "$f" ]; then set -- "$@" "$f"; fi
  done
  [ $# -eq 0 ] || mv -f -t "$mv_to" -- "$@"
}
batch() {
  enter "$3" || return 1
  t=$(mktemp -d "./.isuops-XXXXXX") || return 1
  if enter "$e/${t#./}" && cp -R --preserve=mode,timestamps -- "$2/." . && { [ "$5" = - ] || chown -R -h -- "$5" .; } && mvall . ..; then
    cd .. && rmdir -- "$t"
    return 0
  fi
  enter "$3" && rm -rf -- "$t"
  return 1
}
# D: a new directory gets its mode from mkdir -m (one process, not three) unless an owner follows:
# chown would clear its setgid bit, so chmod comes after it then. Nothing there: nothing to remove.
mkdirat() {
  at "$3" || return 1
  m=$4
  if ! { [ -d "./$b" ] && [ ! -h "./$b" ]; }; then
    if [ -e "./$b" ] || [ -h "./$b" ]; then rm -f -- "./$b" || return 1; fi
    if [ "$4" != - ] && [ "$5" = - ]; then mkdir -m "$4" -- "./$b" && m=-; else mkdir -- "./$b"; fi || return 1
  fi
  enter "$3" && attrs "$m" "$5" "$6" .
}
setattrs() {
  at "$3" || return 1
  if [ -d "./$b" ] && [ ! -h "./$b" ]; then enter "$3" && attrs "$4" "$5" "$6" .; else attrs "$4" "$5" "$6" "./$b"; fi
}
# Every kind is checked before anything runs: an unknown one is a bug on the sending side.
i=0
for w do
  if [ $((i % 6)) -eq 0 ]; then
    case $w in
      P|F|G|L|D|A|X|R|T|M|S) ;;
      *) echo "isuops: the root script got an unknown op \"$w\"" >&2; exit 2 ;;
    esac
  fi
  i=$((i + 1))
done
while [ $# -ge 6 ]; do
  case $1 in
    P) if cd -P -- "$3" 2>/dev/null; then lr=$3; pr=$PWD; else lr=$3; pr=$3; fi ;;
    F|L) put "$@" || { echo "isuops: could not write $3" >&2; rc=1; } ;;
    G) batch "$@" || { echo "isuops: could not write files into $3" >&2; rc=1; } ;;
    D) mkdirat "$@" || { echo "isuops: could not create directory $3" >&2; rc=1; } ;;
    A) setattrs "$@" || { echo "isuops: could not set attributes of $3" >&2; rc=1; } ;;
    X) { at "$3" && rm -rf -- "./$b"; } || { echo "isuops: could not delete $3" >&2; rc=1; } ;;
    R) { at "$3" && rmdir -- "./$b" 2>/dev/null; } || { echo "isuops: a directory is in the way of $3 (empty it, or use --delete)" >&2; rc=1; } ;;
    T) cd / && if command -v tar >/dev/null; then tar -x -p --numeric-owner -f - -C "$3" || { tfail=1; rc=1; }; else echo "isuops: tar is not installed on this host (push --sudo sends many small files through it)" >&2; tfail=1; rc=1; fi ;;
    M) if [ -z "$tfail" ] && enter "$3" && mvall "./${2##*/}" . && rmdir -- "./${2##*/}"; then :; else { enter "$3" && rm -rf -- "./${2##*/}"; }; [ -n "$tfail" ] || { echo "isuops: could not write files into $3" >&2; rc=1; }; fi ;;
    S) [ "$rc" -eq 0 ] || exit "$rc" ;;
    *) echo "isuops: the root script got an unknown op \"$1\"" >&2; exit 2 ;;
  esac
  shift 6
done
exit $rc
