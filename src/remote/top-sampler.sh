# top-sampler.sh: samples the host's /proc every INTERVAL seconds for `isuops top`.
# Usage:   sh -c SCRIPT isuops-top INTERVAL MARKER
#   INTERVAL  seconds between samples (sleep's argument: fractions where sleep takes them)
#   MARKER    the per-run prefix of this script's record lines
# Output:  on stdout, once `MARKER hello TICKS DISK...` (written without the space after
#          MARKER): USER_HZ (getconf CLK_TCK, else 100) and the whole disks (the entries
#          of /sys/block with a device link); then every INTERVAL seconds `MARKERsample`,
#          the lines of /proc/uptime, stat, loadavg, meminfo, net/dev, diskstats and of
#          each /proc/[pid]/stat, `MARKERgone PID...` when processes ended, `MARKERend`.
#          The lines are the kernel's own text, less what nobody reads: stat's intr and
#          softirq lines, meminfo keys other than MemTotal, MemFree, MemAvailable,
#          Buffers and Cached, and the process lines whose CPU time has not moved since
#          that process was last sent. Each record is written whole, in one write when
#          it fits in 32 KiB (one SSH packet or a few, not one per line).
# Exit:    runs until stopped (its process group is killed); when sleep refuses INTERVAL
#          (its message on stderr) the loop ends, then awk, with awk's status.
# Needs:   cat, sleep, awk (POSIX, with fflush: mawk, gawk, busybox), /proc; getconf and
#          /sys/block when present. Per sample it starts one cat and one sleep.

LC_ALL=C
export LC_ALL
i=$1 m=$2
t=$(getconf CLK_TCK 2>/dev/null) || t=
d=
for b in /sys/block/*; do
  [ -e "$b/device" ] && d="$d ${b##*/}"
done
# The filter (see Output): one long-lived awk, fed by the loop below.
# shellcheck disable=SC2016
prog='
  function out(line) { o = o line "\n"; if (length(o) > 32768) { printf "%s", o; o = "" } }
  index($0, m) == 1 {
    if ($0 == m "end") {
      g = ""
      for (p in seen) if (seen[p] != n) { delete seen[p]; delete last[p]; g = g " " p }
      if (g != "") out(m "gone" g)
      n++
      printf "%s%s\n", o, $0
      o = ""
      fflush()
    } else out($0)
    next
  }
  /^[0-9]+ \(/ {
    r = $0; sub(/^.*\) /, "", r); split(r, f, " ")
    v = f[20] " " (f[12] + f[13]); seen[$1] = n
    if (last[$1] != v) { last[$1] = v; out($0) }
    next
  }
  /^(intr|softirq) / { next }
  /^[A-Za-z][A-Za-z0-9_()]*: +[0-9]+( kB)?$/ && !/^(MemTotal|MemFree|MemAvailable|Buffers|Cached):/ { next }
  { out($0) }
'
# mawk fills its whole input buffer before it reads a line (a record would wait for the next one):
# -W interactive makes it take lines as they come. Other awks warn about -W: plain awk then.
w=
[ -z "$(awk -W interactive 'BEGIN { }' </dev/null 2>&1)" ] && w=1
printf '%shello %s%s\n' "$m" "${t:-100}" "$d"
while :; do
  printf '%ssample\n' "$m"
  cat /proc/uptime /proc/stat /proc/loadavg /proc/meminfo /proc/net/dev /proc/diskstats /proc/[0-9]*/stat 2>/dev/null
  printf '%send\n' "$m"
  sleep "$i" || exit
done | if [ -n "$w" ]; then awk -W interactive -v m="$m" "$prog"; else awk -v m="$m" "$prog"; fi
