#!/usr/bin/env bash
# `npm run demo`: install, build, start a 5-host practice fleet, run `isuops exec hostname` on it, stop it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export ISUOPS_LAB_DIR="${ISUOPS_LAB_DIR:-/tmp/isuops-demo-lab}"
trap 'node bin/isuops lab down >/dev/null 2>&1 || true' EXIT
node bin/isuops lab up 5 --base 127.0.2
echo '$ isuops exec -F $LAB/ssh_config -f $LAB/hosts.txt hostname'
node bin/isuops exec -F "$ISUOPS_LAB_DIR/ssh_config" -f "$ISUOPS_LAB_DIR/hosts.txt" hostname
echo '$ isuops exec -b ... uname -sr'
node bin/isuops exec -b -F "$ISUOPS_LAB_DIR/ssh_config" -f "$ISUOPS_LAB_DIR/hosts.txt" 'uname -sr'
