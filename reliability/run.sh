#!/usr/bin/env bash
# Reruns every figure of docs/reliability.md:
#   fuzzing (reliability/fuzz.sh), transport faults, failover, TLS and concurrency
#   (reliability/faults.sh), the chaos run (reliability/chaos.sh), the C test suite under valgrind memcheck (tests/it/c_abi.rs) and the
#   supply-chain check (tests/it/supply_chain.rs).
#
#   reliability/run.sh            the full run (120 s per fuzz target; about 35 minutes)
#   reliability/run.sh --short    what the test suite runs (10 s per fuzz target, fewer calls)
set -euo pipefail
cd "$(dirname "$0")/.."

fuzz_seconds=120
faults_args=()
if [ "${1:-}" = "--short" ]; then
  fuzz_seconds=10
  faults_args=(--short)
elif [ $# -gt 0 ]; then
  echo "usage: $0 [--short]" >&2
  exit 2
fi

echo "## Fuzzing"
reliability/fuzz.sh "$fuzz_seconds"
echo
echo "## Transport faults, failover, TLS, concurrency"
reliability/faults.sh "${faults_args[@]}"
echo
echo "## Chaos: not sent means not received"
if [ "${1:-}" = "--short" ]; then reliability/chaos.sh 1200; else reliability/chaos.sh 10000; fi
echo
echo "## valgrind memcheck of the C test suite"
cargo test -p wxpresign --test it -- --nocapture c_abi:: 2>&1 |
  grep -E "passed, [0-9]+ failed|definitely lost|indirectly lost|ERROR SUMMARY|total heap usage" || true
echo
echo "## Supply chain"
cargo test -p wxpresign --test it -- --nocapture supply_chain:: 2>&1 | grep -E "NOTE|ok|FAILED|test result" || true
