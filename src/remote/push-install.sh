# push-install.sh: the root-side half of push --sudo, run as `sudo -n /bin/sh -c SCRIPT isuops OP...`.
# Usage:   OP... in six words each: KIND SRC DST MODE OWNER MTIME (`-` = leave alone)
#   F   install the staged file SRC at DST: a copy keeping SRC's mode and times, then MODE,
#       OWNER and MTIME when given
#   G   install every file of the staged directory SRC into directory DST under its own name
#       (OWNER when given)
#   L   symlink DST -> SRC
#   D   directory DST
#   A   attributes of DST only
#   X   rm -rf DST
#   R   rmdir DST (an empty directory in the way of a file)
#   T   extract the tar archive on stdin at DST (`/`): see src/ops/push/tar-batch.ts
#   M   rename every file of the staging directory SRC, filled by T, into directory DST; after
#       a failed T, only remove SRC
#   F and L write a temp beside DST and `mv -T` it over DST; G copies into a private temp
#   directory inside DST and renames each file from there (`mv -t`, rename(2) per file). So a
#   target is always either the old or the whole new file; a failed step removes its temps.
#   Attributes go owner first: chown clears setuid and setgid bits, chmod after it sets them.
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
attrs() {
  { [ "$2" = - ] || chown -h -- "$2" "$4"; } && { [ "$1" = - ] || chmod "$1" -- "$4"; } && { [ "$3" = - ] || touch -h -d "@$3" -- "$4"; }
}
put() {
  d=${3%/*}
  d=${d:-/}
  b=${3##*/}
  t=$(mktemp "$d/.$b.isuops-XXXXXX") || return 1
  if { if [ "$1" = F ]; then cp --preserve=mode,timestamps -- "$2" "$t"; else rm -f -- "$t" && ln -s -- "$2" "$t"; fi; } && attrs "$4" "$5" "$6" "$t" && mv -f -T -- "$t" "$3"; then
    return 0
  fi
  rm -f -- "$t"
  return 1
}
# Renames every entry of $1 into $2 under its own name; globs keep names as data, whatever bytes they hold.
mvall() {
  d=$2
  t=$1
  set --
  for f in "$t"/* "$t"/.[!.]* "$t"/..?*; do
    if [ -e "$f" ] || [ -L "$f" ]; then set -- "$@" "$f"; fi
  done
  [ $# -eq 0 ] || mv -f -t "$d" -- "$@"
}
batch() {
  t=$(mktemp -d "$3/.isuops-XXXXXX") || return 1
  if cp -R --preserve=mode,timestamps -- "$2/." "$t" && { [ "$5" = - ] || chown -R -h -- "$5" "$t"; } && mvall "$t" "$3"; then
    rmdir -- "$t"
    return 0
  fi
  rm -rf -- "$t"
  return 1
}
# Every kind is checked before anything runs: an unknown one is a bug on the sending side.
i=0
for w do
  if [ $((i % 6)) -eq 0 ]; then
    case $w in
      F|G|L|D|A|X|R|T|M) ;;
      *) echo "isuops: the root script got an unknown op \"$w\"" >&2; exit 2 ;;
    esac
  fi
  i=$((i + 1))
done
while [ $# -ge 6 ]; do
  case $1 in
    F|L) put "$@" || { echo "isuops: could not write $3" >&2; rc=1; } ;;
    G) batch "$@" || { echo "isuops: could not write files into $3" >&2; rc=1; } ;;
    D) if { { [ -d "$3" ] && [ ! -L "$3" ]; } || { rm -f -- "$3" && mkdir -- "$3"; }; } && attrs "$4" "$5" "$6" "$3"; then :; else echo "isuops: could not create directory $3" >&2; rc=1; fi ;;
    A) attrs "$4" "$5" "$6" "$3" || { echo "isuops: could not set attributes of $3" >&2; rc=1; } ;;
    X) rm -rf -- "$3" || { echo "isuops: could not delete $3" >&2; rc=1; } ;;
    R) rmdir -- "$3" 2>/dev/null || { echo "isuops: a directory is in the way of $3 (empty it, or use --delete)" >&2; rc=1; } ;;
    T) if command -v tar >/dev/null; then tar -x -p --numeric-owner -f - -C "$3" || { tfail=1; rc=1; }; else echo "isuops: tar is not installed on this host (push --sudo sends many small files through it)" >&2; tfail=1; rc=1; fi ;;
    M) if [ -z "$tfail" ] && mvall "$2" "$3" && rmdir -- "$2"; then :; else rm -rf -- "$2"; [ -n "$tfail" ] || { echo "isuops: could not write files into $3" >&2; rc=1; }; fi ;;
    *) echo "isuops: the root script got an unknown op \"$1\"" >&2; exit 2 ;;
  esac
  shift 6
done
exit $rc
