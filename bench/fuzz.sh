#!/usr/bin/env bash
# The long fuzz runs (see tests/integration/fuzz.rs): over routine and
# settings parsing, CASES mutated inputs, each asserted to take at most 1 s
# and print at most 1 MB with no raw control character; and over history
# files from other machines, CASES mutated files read beside this
# machine's, each within 1 s, at most a few warnings (16 KB), nothing dated
# after tomorrow kept as the last session. Prints the executions, the time
# taken, the worst time and the largest output of each.
#
#   bench/fuzz.sh [CASES]          # default 100000, release build
#   PROFILE=dev bench/fuzz.sh 20000   # a debug build: slower, worst times are upper bounds
set -euo pipefail
cd "$(dirname "$0")/.."
cases="${1:-100000}"
profile_flag=(--release)
if [ "${PROFILE:-release}" = dev ]; then profile_flag=(); fi
KNOTLESS_FUZZ_CASES="$cases" cargo test "${profile_flag[@]}" --test integration fuzz_long \
  -- --ignored --nocapture 2>&1 | grep -E '^fuzz:|panicked|FAILED|test result'
