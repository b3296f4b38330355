#!/usr/bin/env bash
# The chaos run of docs/reliability.md: tests/chaos.rs with many calls (default 10,000; the test
# suite runs 1,200), printing the outcome table, the counts and the process's fds, threads and
# RSS. A seed that fails is printed and replays with WXPRESIGN_CHAOS_SEED.
#
#   reliability/chaos.sh [CALLS]
set -euo pipefail
cd "$(dirname "$0")/.."
calls="${1:-10000}"
WXPRESIGN_CHAOS_CALLS="$calls" cargo test --release --test chaos -- --nocapture 2>&1 |
  grep -E '^chaos:|^\||^fds|violations|panicked|test result'
