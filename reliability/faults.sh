#!/usr/bin/env bash
# Reruns the transport rows of docs/reliability.md and prints them as Markdown:
# byte-level faults (tests/it/transport_faults.rs), backup-domain failover (tests/it/failover.rs),
# TLS (tests/it/tls.rs) and concurrency, through the Rust API and through the C ABI natively and
# under valgrind's helgrind (tests/it/concurrency.rs).
#
#   reliability/faults.sh           the full run (8 x 500 Rust calls, 8 x 100 C, 8 x 6 helgrind)
#   reliability/faults.sh --short   fewer calls, for CI (8 x 50, 8 x 20, 8 x 2)
#
# The counts can also be set one by one: WXPRESIGN_CONCURRENCY_CALLS, WXPRESIGN_C_THREAD_CALLS,
# WXPRESIGN_HELGRIND_CALLS (calls per thread). Times are wall-clock bounds on a shared machine,
# not benchmarks: the tests assert timeout_ms plus a margin, nothing tighter.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--short" ]; then
  export WXPRESIGN_CONCURRENCY_CALLS="${WXPRESIGN_CONCURRENCY_CALLS:-50}"
  export WXPRESIGN_C_THREAD_CALLS="${WXPRESIGN_C_THREAD_CALLS:-20}"
  export WXPRESIGN_HELGRIND_CALLS="${WXPRESIGN_HELGRIND_CALLS:-2}"
elif [ $# -gt 0 ]; then
  echo "usage: $0 [--short]" >&2
  exit 2
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT

# One test at a time, so that no test's timing is inflated by another's.
if ! cargo test -p wxpresign --test it -- --nocapture --test-threads=1 \
    transport_faults:: failover:: tls:: concurrency:: >"$log" 2>&1; then
  cat "$log"
  echo "faults.sh: a test failed (output above)" >&2
  exit 1
fi

# Rows are printed by the tests as "| <group>: <case> | ... |" (libtest may put "test name ..."
# before them on the same line); this keeps the rows and drops the group prefix.
rows() { grep -oE "\| $1: .*" "$log" | sed -E "s/^\| $1: /| /" | sort || true; }

echo "Transport faults (timeout_ms 1500, connect_timeout_ms 1000; tests/it/transport_faults.rs)"
echo
echo "| fault | status | may_have_reached_server | elapsed | message |"
echo "|---|---|---|---|---|"
rows fault
echo
echo "Backup-domain failover (loopback stand-ins for api and api2; tests/it/failover.rs)"
echo
echo "| case | status | answered / tried last | failed over | may_have_reached_server | elapsed |"
echo "|---|---|---|---|---|---|"
rows failover
echo
echo "TLS (rustls front with a throwaway rcgen CA before the sandbox; tests/it/tls.rs)"
echo
echo "| case | status | may_have_reached_server | message |"
echo "|---|---|---|---|"
rows TLS
echo
echo "Concurrency (one shared client; tests/it/concurrency.rs, tests/c/threads.c)"
echo
echo "| run | result | | |"
echo "|---|---|---|---|"
rows concurrency
