#!/usr/bin/env bash
# The project's test command (`npm test`): sets up what it needs on a fresh clone, then runs
# the unit tests and the end-to-end tests against a lab of real OpenSSH hosts, and ends with
# one plain line: `N passed, N failed, N skipped`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
report="$(mktemp /tmp/isuops-vitest-XXXXXX.json)"
trap 'rm -f "$report"' EXIT
set +e
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@"
status=$?
set -e
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' "$report" || true
exit "$status"
