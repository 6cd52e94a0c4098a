#!/usr/bin/env bash
# The project's test command (`npm test`): sets up what it needs on a fresh clone, then runs
# the unit tests and the end-to-end tests against a lab of real OpenSSH hosts.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec npx vitest run "$@"
