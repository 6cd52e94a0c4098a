#!/usr/bin/env bash
# What `npm test`, `npm run demo` and `npm run bench` need on a fresh clone: dependencies,
# the build, and OpenSSH's sshd for the lab.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # npm ci runs the package's `prepare` script, which is the build: no second build below.
  npm ci --no-audit --no-fund
else
  npm run build --silent
fi
bash scripts/ensure-sshd.sh
