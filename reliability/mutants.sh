#!/usr/bin/env bash
# Mutation testing (cargo-mutants) of the code that decides trust: request signing, AES-GCM,
# field encryption, the platform certificate list's checks, answer and notification
# verification, notification parsing, and the transport's "not sent" classification. Every
# mutant that is not equivalent must make a test fail; the figures are in docs/reliability.md.
# Each module's mutants run only the tests that exercise it.
#
#   reliability/mutants.sh                        every module (about 45 minutes on two cores)
#   reliability/mutants.sh signing certificates   some modules
#
# Run outside CI, as it is slow. Mutants are applied to this source tree in place and restored
# after each one (--in-place, so the warm target/ is reused): do not edit sources while it runs.
# Each module's outcomes are kept in target/mutants/<module>/mutants.out/ (caught.txt,
# missed.txt, timeout.txt, unviable.txt, and a log per mutant). Exits 1 if a mutant is missed
# other than those in known_missed.
set -euo pipefail
cd "$(dirname "$0")/.."

# The transport's functions that decide whether a failure came before anything was written:
# the classification of ureq's errors, the phase a connector failed in, and the check that
# keeps a request from being written to a pooled connection that cannot take it.
transport_functions='Transport::(classify|not_sent|tunnel_failed)|Phased<C>.*::connect|Coalesced<T>>::is_open'

# The mutants left missed on purpose, with the reason in docs/reliability.md: equivalent ones.
known_missed='replace < with <= in <impl Socket for Coalesced<T>>::is_open$'

# Sets file, pattern (empty: every mutant of the file) and the tests for module $1: `lib` is the
# library's unit tests, a name with a file tests/<name>.rs is that test binary, and any other
# name is a module of the integration tests' binary (tests/it/<name>.rs).
select_module() {
  pattern=""
  case "$1" in
    signing)
      file=src/signing.rs
      tests="vectors nonce_randomness request_clock request many_merchants" ;;
    aes_gcm)
      file=src/aes_gcm.rs
      tests="vectors certificates notification" ;;
    encryption)
      file=src/encryption.rs
      tests="validation vectors encrypted_fields_in_arrays client" ;;
    certificates)
      file=src/certificates.rs
      tests="certificates platform_certificate_validity certificate_download_answer" ;;
    verification)
      file=src/verification.rs
      tests="lib vectors signed_headers replay_window notification certificates many_merchants client" ;;
    notification)
      file=src/notification.rs
      tests="vectors notification many_merchants notification_envelope notification_headers_json" ;;
    transport)
      file=src/transport.rs
      pattern=$transport_functions
      tests="transport_faults failover proxy tls lookups fork closed_without_an_answer" ;;
    *) echo "unknown module $1" >&2; return 2 ;;
  esac
}

modules=("$@")
if [ ${#modules[@]} -eq 0 ]; then
  modules=(signing aes_gcm encryption certificates verification notification transport)
fi

missed=0
for module in "${modules[@]}"; do
  select_module "$module"
  args=(--file "$file")
  if [ -n "$pattern" ]; then args+=(--re "$pattern"); fi
  # As cargo test's arguments (-C), so that only these binaries run; tests/it runs only the
  # modules named, as every other module of it is skipped by its name (`--skip module::`, which
  # also skips a unit test of lib in a module of that name).
  chosen=""
  for test in $tests; do
    if [ "$test" = lib ]; then args+=(-C --lib)
    elif [ -f "tests/$test.rs" ]; then args+=(-C "--test=$test")
    else chosen+=" $test "; fi
  done
  if [ -n "$chosen" ]; then
    args+=(-C --test=it --cargo-test-arg=--)
    for source in tests/it/*.rs; do
      name=$(basename "$source" .rs)
      if [ "$name" != main ] && [[ "$chosen" != *" $name "* ]]; then
        args+=("--cargo-test-arg=--skip" "--cargo-test-arg=$name::")
      fi
    done
  fi
  mkdir -p "target/mutants/$module"
  echo "## $module"
  start=$(date +%s)
  status=0
  cargo mutants --in-place --no-shuffle --timeout 120 --build-timeout 600 \
    --output "target/mutants/$module" "${args[@]}" || status=$?
  echo "$module: $(( ($(date +%s) - start) / 60 )) minutes"
  # 2 is a missed mutant and 3 a timeout, which takes precedence, so missed.txt decides. A
  # timeout is a mutant that makes a test hang (a loop that never ends): detected, as the
  # suite does not pass. Anything else (4: the tests fail unmutated) stops the run.
  case "$status" in
    0|2|3) ;;
    *) echo "cargo mutants failed for $module (exit $status)" >&2; exit "$status" ;;
  esac
  list="target/mutants/$module/mutants.out/missed.txt"
  if [ -f "$list" ] && grep -Ev "$known_missed" "$list"; then missed=1; fi
done
exit "$missed"
