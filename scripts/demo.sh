#!/usr/bin/env bash
# `npm run demo`: install, build, start a 5-host practice fleet, run `isuops exec hostname` on it, stop it.
# Its lab: $ISUOPS_DEMO_LAB_DIR / $ISUOPS_DEMO_LAB_BASE, else this checkout's own (README, Development).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
read -r LAB base < <(node scripts/lab-env.mjs demo)
trap 'node bin/isuops lab down --dir "$LAB" >/dev/null 2>&1 || true' EXIT
node bin/isuops lab up 5 --dir "$LAB" --base "$base"
# Each command is printed as it is run, so that it can be pasted as printed (from the repository).
show() {
  printf '$'
  printf ' %q' "$@"
  printf '\n'
  "$@"
}
show bin/isuops exec -F "$LAB/ssh_config" -f "$LAB/hosts.txt" hostname
show bin/isuops exec -b -F "$LAB/ssh_config" -f "$LAB/hosts.txt" 'uname -sr'
