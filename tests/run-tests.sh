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

# vstest's closing block ("Total tests: N", "Passed: N", "Failed: N", "Skipped: N"), as one line CI reads.
count() { grep -E "^ +$1: +[0-9]+\s*$" "$log" | tail -n 1 | grep -oE '[0-9]+' || echo 0; }
if grep -qE '^Total tests: [0-9]+' "$log"; then
    # CI shows only the end of the output: repeat each failure (name, message, top of the stack) right before the summary.
    awk '/^ +Failed [^:]/ { shown = 1; lines = 0 }
         shown { print; if (++lines >= 25 || /^ +Passed /) shown = 0 }' "$log" | grep -v '^ \+Passed ' || true
    echo "tests: $(count Passed) passed, $(count Failed) failed, $(count Skipped) skipped"
fi
exit "$status"
