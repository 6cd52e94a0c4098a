#!/usr/bin/env bash
# The project's test command (`npm test`): sets up what it needs on a fresh clone, then runs
# the unit tests and the end-to-end tests against a lab of real OpenSSH hosts, then the
# end-to-end tests once more with kept connections off (ISUOPS_CONTROL_PERSIST=no: every run
# connects directly), and ends with one plain line for both runs: `N passed, N failed, N skipped`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
work="$(mktemp -d /tmp/isuops-test-XXXXXX)"
# the suite's daemon lives in a runtime dir of its own and is stopped at the end
export XDG_RUNTIME_DIR="$work/run"
mkdir -m 700 "$XDG_RUNTIME_DIR"
cleanup() {
  node bin/isuops daemon stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
set +e
echo "== unit and e2e tests, kept connections on (the default)"
npx vitest run --reporter=default --reporter=json --outputFile.json="$work/kept.json" "$@"
kept=$?
node bin/isuops daemon stop >/dev/null 2>&1
echo "== e2e tests again, kept connections off (ISUOPS_CONTROL_PERSIST=no)"
ISUOPS_CONTROL_PERSIST=no npx vitest run --project e2e --passWithNoTests --reporter=default --reporter=json --outputFile.json="$work/direct.json" "$@"
direct=$?
set -e
node -e '
let passed = 0, failed = 0, skipped = 0;
for (const file of process.argv.slice(1)) {
  try {
    const r = JSON.parse(require("fs").readFileSync(file, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + r.numTodoTests;
  } catch { failed += 1; }
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$work/kept.json" "$work/direct.json" || true
if [ "$kept" -ne 0 ]; then exit "$kept"; fi
exit "$direct"
