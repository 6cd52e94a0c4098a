# tail-file.sh: follows one file from where the caller left off, or from its last N lines.
# Usage:   sh -c SCRIPT isuops-tail FILE LINES MARKER INODE OFFSET WINDOW
#   FILE    the file (absolute path)
#   LINES   lines of history on a fresh start
#   MARKER  the per-run prefix of this script's lines on stderr
#   INODE   resume: the inode followed before ('' when unknown)
#   OFFSET  resume: the bytes of it already delivered; '' = a fresh start
#   WINDOW  bytes of the file's end searched for the last LINES lines
# Output:  on stderr first `MARKER start:INODE:OFFSET` (INODE empty when the file is missing),
#          or `MARKER rotated` then that line when a resumed file was rotated or truncated
#          (it is then read from its beginning); then, on stdout, every byte after OFFSET,
#          followed as `tail -F` does (tail's notices on stderr, in English).
#          A missing file: `tail -F -n LINES`, which says so and waits for it.
# Exit:    tail's status (it runs until stopped).
# Needs:   GNU coreutils (stat -L -c, tail -F -c +N, head -c, wc -c), sed.

# tail's notices (replaced, truncated, appeared) are read back: keep them in English.
LC_ALL=C
export LC_ALL
f=$1 n=$2 m=$3 ri=$4 ro=$5 w=$6
cur=$(stat -L -c %i:%s -- "$f" 2>/dev/null)
ci=${cur%%:*}
cs=${cur##*:}
if [ -n "$ro" ]; then
  if [ -n "$cur" ] && { [ -z "$ri" ] || [ "$ci" = "$ri" ]; } && [ "$cs" -ge "$ro" ]; then
    printf '%sstart:%s:%s\n' "$m" "$ci" "$ro" >&2
    exec tail -F -c +$((ro + 1)) -- "$f"
  fi
  printf '%srotated\n' "$m" >&2
  n=all
fi
if [ -n "$cur" ] && [ -f "$f" ]; then
  if [ "$n" = all ]; then
    st=0
  else
    k=1
    [ "$cs" -gt "$w" ] && k=$((cs - w + 1))
    # The window may start inside a line: drop that piece.
    b=$(tail -c +$k -- "$f" | head -c $((cs - k + 1)) | if [ $k -gt 1 ]; then sed 1d; else cat; fi | tail -n "$n" | wc -c)
    # No whole line in the window (the last line is longer than it): show the window, the last
    # line's end, rather than nothing.
    if [ "$b" -eq 0 ] && [ "$n" != 0 ] && [ $k -gt 1 ]; then b=$((cs - k + 1)); fi
    st=$((cs - b))
  fi
  printf '%sstart:%s:%s\n' "$m" "$ci" "$st" >&2
  exec tail -F -c +$((st + 1)) -- "$f"
fi
printf '%sstart::0\n' "$m" >&2
[ "$n" = all ] && n=+1
exec tail -F -n "$n" -- "$f"
