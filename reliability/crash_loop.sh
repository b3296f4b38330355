#!/usr/bin/env bash
# The crash loop of docs/reliability.md: sandbox/tests/it/store.rs's kill -9 test run for SECONDS
# (default 300; `cargo test` runs it 4 s). A served sandbox is killed with SIGKILL at random
# moments of pre-signs, signs, terminations and notification deliveries, served again, and
# held to what its clients were told and what the merchant's server answered. Prints the kills,
# the operations answered, the notifications answered and the invariant violations (0).
#
#   reliability/crash_loop.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-300}"
WXPRESIGN_CRASH_SECS="$seconds" cargo test --release -p wxpresign-sandbox --test it \
  store::kill_9_at_random_moments -- --nocapture 2>&1 |
  grep -E '^crash loop:|violations|panicked|test result'
