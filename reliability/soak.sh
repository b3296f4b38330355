#!/usr/bin/env bash
# The soak run of docs/reliability.md: sandbox/tests/soak.rs for MINUTES (default 30), against a
# sandbox served by the wxpresign command, printing a row each minute (calls/s, errors by kind,
# RSS, fds, threads) and failing unless RSS, fds and threads stay flat.
#
#   reliability/soak.sh [MINUTES]
set -euo pipefail
cd "$(dirname "$0")/.."
WXPRESIGN_SOAK_MINUTES="${1:-30}" cargo test --release --test soak -- --ignored --nocapture 2>&1 |
  grep -E '^\||panicked|test result'
