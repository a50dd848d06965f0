#!/usr/bin/env bash
# Builds everything and runs every test project of Framework.sln; ends with one summary line
# "N passed, N failed, N skipped". Tests that need root, a kernel feature or a Debian tool say what
# was missing when they skip (.ci/run installs the tools). Extra arguments go to `dotnet test`, for
# example `--filter Category=KernelLab` (only the kernel lab tests) or `--filter Category!=KernelLab`.
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
log=$(mktemp)
trap 'rm -f "$log"' EXIT

dotnet build Framework.sln -c Release -nologo -v q || { echo "0 passed, 1 failed (the build failed)"; exit 1; }
dotnet test Framework.sln -c Release --no-build -nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# One line per test project: "Passed!  - Failed: 0, Passed: 61, Skipped: 0, Total: 61, ..." (or
# "Skipped!" when every test skipped), or "No test matches the given testcase filter" under --filter.
read -r passed failed skipped < <(grep -E '^(Passed|Failed|Skipped)!' "$log" \
  | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\2 \1 \3/' \
  | awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
projects=$(grep -cE '^(Passed|Failed|Skipped)!|^No test matches the given testcase filter' "$log")
expected=$(dotnet sln Framework.sln list | grep -cE '\.Tests\.csproj$')
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1  # a test host crashed or a project did not report: count it as a failure
fi
if [ "$projects" -lt "$expected" ]; then
  echo "only $projects of $expected test projects reported results"
  failed=$((failed + expected - projects))
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
