#!/bin/bash
# The test command: installs what the tests need (Debian packages, the pinned guest kernel), then runs every test,
# the real-guest lab tests included, and prints one summary line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

tests/lab/install-deps.sh
tests/lab/fetch-kernel.sh

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
dotnet test tests/AlSafe.Tests/AlSafe.Tests.csproj -c Release --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

summary="$(grep -E '(Passed|Failed)! +- +Failed: ' "$log" | tail -n 1)"
if [[ -n "$summary" ]]; then
    failed="$(sed -E 's/.*Failed: +([0-9]+).*/\1/' <<<"$summary")"
    passed="$(sed -E 's/.*Passed: +([0-9]+).*/\1/' <<<"$summary")"
    skipped="$(sed -E 's/.*Skipped: +([0-9]+).*/\1/' <<<"$summary")"
    echo "tests: $passed passed, $failed failed, $skipped skipped"
fi
exit "$status"
