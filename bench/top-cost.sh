#!/usr/bin/env bash
# What `isuops top` costs: on the host, its sampler beside `top -b -d 1` (both at one sample a
# second, read from /proc/<pid>/stat of their processes over SECONDS), and isuops itself with
# 10 hosts (a 10-host lab of its own). Run as root from the repository, after npm run build.
# Usage: bash bench/top-cost.sh [SECONDS]   (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
dir=${ISUOPS_TOP_COST_LAB:-/tmp/isuops-top-cost-lab}
base=${ISUOPS_TOP_COST_BASE:-127.0.77}
node bin/isuops lab up 10 --dir "$dir" --base "$base" >/dev/null
hz=$(getconf CLK_TCK)
# CPU ticks (own + waited-for children) of every process of a host whose args match $2 (in its pid space)
host_ticks() {
  node bin/isuops lab status --dir "$dir" >/dev/null
  keeper=$(node -e "const s=require('$dir/state.json');console.log(s.hosts.find(h=>h.name==='$1').keeperPid)")
  nsenter -t "$keeper" -m -p -- sh -c '
    t=0
    for p in $(ps -eo pid=,pgid=,args= | awk -v re="$1" '"'"'$0 ~ re { print $1 }'"'"'); do
      s=$(cat /proc/$p/stat 2>/dev/null) || continue
      set -- ${s##*) }
      t=$((t + ${12} + ${13} + ${14} + ${15}))
    done
    echo $t' sh "$2"
}
proc_ticks() { local s; s=$(cat /proc/$1/stat); s=${s##*) }; set -- $s; echo $(( ${12} + ${13} + ${14} + ${15} )); }

export ISUOPS_CONTROL_PERSIST=no
node bin/isuops top -F "$dir/ssh_config" -f "$dir/hosts.txt" --json -q >/dev/null &
client=$!
keeper=$(node -e "const s=require('$dir/state.json');console.log(s.hosts[0].keeperPid)")
nsenter -t "$keeper" -u -m -p -- sh -c 'setsid top -b -d 1 >/dev/null 2>&1 </dev/null &'
sleep 5
a_s=$(host_ticks isu01 'isuops-top|awk .*@isuops:'); a_t=$(host_ticks isu01 '^ *[0-9]+ +[0-9]+ +top -b -d 1$'); a_c=$(proc_ticks $client)
sleep "$secs"
b_s=$(host_ticks isu01 'isuops-top|awk .*@isuops:'); b_t=$(host_ticks isu01 '^ *[0-9]+ +[0-9]+ +top -b -d 1$'); b_c=$(proc_ticks $client)
kill -INT $client; wait $client || true
nsenter -t "$keeper" -m -p -- sh -c 'for p in $(pgrep -x top); do kill $p; done'
pct() { awk -v t="$1" -v hz="$hz" -v s="$secs" 'BEGIN { printf "%.2f%% of a core (%d ticks of 1/%d s in %d s)", 100 * t / hz / s, t, hz, s }'; }
echo "sampler on isu01:        $(pct $((b_s - a_s)))"
echo "top -b -d 1 on isu01:    $(pct $((b_t - a_t)))"
echo "isuops top, 10 hosts:    $(pct $((b_c - a_c)))"
node bin/isuops lab down --dir "$dir" >/dev/null
