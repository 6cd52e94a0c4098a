# pull-scan.sh: lists what pull would fetch: every file and directory the patterns match.
# Usage:   sh -c SCRIPT isuops PATTERN...
#   PATTERN a path or a glob; relative ones start at the login directory. Expanded with IFS
#           empty: no word splitting, and values are never re-parsed (`$(...)` in a name is text).
# Output:  NUL-ended records on stdout, `TYPE SIZE MTIME MODE PATH`: TYPE f or d for what GNU
#          find walks (-H: a symlink given or matched is followed, those inside directories are
#          skipped); `M 0 0 0 PATTERN` for a pattern that matches nothing, `P 0 0 0 PATTERN`
#          when its directory cannot be searched. find's complaints go to stderr.
# Exit:    0; 1 when find failed somewhere (unreadable directories).
# Needs:   GNU find (-printf).

IFS=
r=0
for p do
  case $p in
    /*) ;;
    *) p=$PWD/$p ;;
  esac
  n=0
  for f in $p; do
    if [ -e "$f" ]; then
      n=1
      find -H "$f" \( -type f -o -type d \) -printf '%y %s %T@ %m %p\0' || r=1
    fi
  done
  # Nothing there: say so, or that the directory cannot be searched (a root-only log dir).
  if [ $n = 0 ]; then
    d=${p%/*}
    if [ -d "${d:-/}" ] && ! [ -x "${d:-/}" ]; then t=P; else t=M; fi
    printf '%s 0 0 0 %s\0' $t "$p"
  fi
done
exit $r
