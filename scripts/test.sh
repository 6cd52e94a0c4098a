#!/usr/bin/env bash
# The project's test command (`npm test`): sets up what it needs on a fresh clone, then runs
# the unit tests and the end-to-end tests against a lab of real OpenSSH hosts.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
bash scripts/ensure-sshd.sh
npm run build --silent
exec npx vitest run "$@"
