#!/usr/bin/env bash
# Builds the cargo-fuzz targets and runs each for SECONDS (default 120) from its committed seed
# corpus, then prints a table: target, executions, exec/s, corpus, result. Any crash, panic,
# timeout, out-of-memory or leak fails the run (exit 1); the input is kept in
# fuzz/artifacts/<target>/ (reproduce with `fuzz/target/*/release/<target> that-file`).
#
#   reliability/fuzz.sh 120                  # the full run (~20 min for ten targets)
#   reliability/fuzz.sh 10                   # CI's short run
#   reliability/fuzz.sh 30 c_abi notification   # some targets only
#   FUZZ_RUNS=1000000 reliability/fuzz.sh 0     # a campaign: that many executions per target
#   FUZZ_JOBS=2 FUZZ_RUNS=1000000 reliability/fuzz.sh 0   # the same on two cores: two fuzzers
#                                            # per target share its work corpus, each runs half
#
# Needs cargo-fuzz (`cargo install --locked cargo-fuzz`). cargo-fuzz builds with AddressSanitizer,
# a nightly-only rustc flag; RUSTC_BOOTSTRAP=1 lets the stable toolchain accept it.
# Each run starts from the seeds alone, in fuzz/target/fuzz-work/<target>/, so that its figures
# do not depend on earlier runs; the committed corpus is only read.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-120}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(config_json request_json response_verify http_answer http_answer_socket
           proxy_connect notification c_abi request_target certificate_list)
fi
# The corpus a target reads: its own, but http_answer_socket runs http_answer's inputs.
corpus_of() {
  case "$1" in
    http_answer_socket) echo http_answer ;;
    *) echo "$1" ;;
  esac
}
# Per input: a hang is reported past this many seconds (no input takes a tenth of it).
timeout_per_input=${FUZZ_TIMEOUT:-10}
rss_limit_mb=${FUZZ_RSS_LIMIT_MB:-2048}
# Fuzzers per target, run side by side on the same work corpus (libFuzzer reloads it).
fuzzers=${FUZZ_JOBS:-1}
# A campaign counts executions (FUZZ_RUNS, shared among the jobs); a timed run counts seconds.
if [ -n "${FUZZ_RUNS:-}" ]; then
  budget=(-runs="$(( FUZZ_RUNS / fuzzers ))")
  budget_text="$FUZZ_RUNS executions"
else
  budget=(-max_total_time="$seconds")
  budget_text="$seconds s"
fi
[ "$fuzzers" -gt 1 ] && budget_text="$budget_text, $fuzzers fuzzers"

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "cargo-fuzz is not installed: cargo install --locked cargo-fuzz" >&2
  exit 1
fi

build_start=$(date +%s)
# All targets in one build: they share every dependency, so a second one costs seconds.
(cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz build)
build_seconds=$(( $(date +%s) - build_start ))
bin_dir=$(ls -d fuzz/target/*/release | head -n 1)

work=fuzz/target/fuzz-work
logs=fuzz/target/fuzz-logs
mkdir -p "$logs"
rows=()
failed=0
run_start=$(date +%s)
for target in "${targets[@]}"; do
  rm -rf "${work:?}/$target"
  mkdir -p "$work/$target" "fuzz/artifacts/$target"
  target_start=$(date +%s)
  for job in $(seq 1 "$fuzzers"); do
    # Run from the repository root: seeds name key files as tests/data/...
    ASAN_OPTIONS="detect_leaks=1:detect_odr_violation=0:allocator_may_return_null=1" \
      "$bin_dir/$target" "$work/$target" "fuzz/corpus/$(corpus_of "$target")" \
      "${budget[@]}" -timeout="$timeout_per_input" -rss_limit_mb="$rss_limit_mb" \
      -detect_leaks=1 -print_final_stats=1 -artifact_prefix="fuzz/artifacts/$target/" \
      >"$logs/$target.$job.log" 2>&1 &
  done
  statuses=()
  for pid in $(jobs -p); do
    set +e
    wait "$pid"
    statuses+=($?)
    set -e
  done
  target_seconds=$(( $(date +%s) - target_start ))
  execs=0; rate=0; corpus=0; coverage=0; result=ok
  for job in $(seq 1 "$fuzzers"); do
    log="$logs/$target.$job.log"
    status=${statuses[$((job - 1))]}
    n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    r=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    c=$(grep -o 'corp: [0-9]*' "$log" | tail -n 1 | sed 's/corp: //')
    v=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | sed 's/cov: //')
    execs=$(( execs + ${n:-0} )); rate=$(( rate + ${r:-0} ))
    [ "${c:-0}" -gt "$corpus" ] && corpus=${c:-0}
    [ "${v:-0}" -gt "$coverage" ] && coverage=${v:-0}
    if [ "$status" -ne 0 ] || ! grep -q '^Done [0-9]* runs' "$log"; then
      if grep -q 'LeakSanitizer' "$log"; then kind=LEAK
      elif grep -q 'libFuzzer: timeout' "$log"; then kind=TIMEOUT
      elif grep -q 'out-of-memory' "$log"; then kind=OOM
      elif grep -q 'panicked' "$log"; then kind=PANIC
      else kind="CRASH(exit $status)"
      fi
      artifact=$(grep -o 'Test unit written to [^ ]*' "$log" | tail -n 1 | sed 's/Test unit written to //')
      result="$kind ${artifact:-see $log}"
    fi
  done
  [ "$result" = ok ] || failed=$((failed + 1))
  rows+=("$(printf '%-20s %12s %9s %8s %8s %8s  %s' "$target" "$execs" "$rate" "$target_seconds" "$coverage" "$corpus" "$result")")
done
run_seconds=$(( $(date +%s) - run_start ))

echo
echo "fuzzing: ${budget_text} per target, build ${build_seconds} s, runs ${run_seconds} s (logs in $logs)"
printf '%-20s %12s %9s %8s %8s %8s  %s\n' target executions exec/s seconds coverage corpus result
printf '%s\n' "${rows[@]}"
if [ "$failed" -ne 0 ]; then
  echo "fuzzing found $failed failing target(s): each input is in fuzz/artifacts/<target>/" >&2
  exit 1
fi
echo "fuzzing: no crash, panic, timeout or leak in ${#targets[@]} targets"
