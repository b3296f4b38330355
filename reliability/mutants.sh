#!/usr/bin/env bash
# Mutation testing (cargo-mutants) of the code that decides trust: request signing, AES-GCM,
# field encryption, the platform certificate list's checks, answer and notification
# verification, notification parsing, and the transport's "not sent" classification. Every
# mutant that is not equivalent must make a test fail; the figures are in docs/reliability.md.
# Each module's mutants run only the test binaries that exercise it.
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

# Sets file, pattern (empty: every mutant of the file) and binaries for module $1. `lib` is the
# library's unit tests.
select_module() {
  pattern=""
  case "$1" in
    signing)
      file=src/signing.rs
      binaries="vectors nonce_randomness request_clock request many_merchants" ;;
    aes_gcm)
      file=src/aes_gcm.rs
      binaries="vectors certificates notification" ;;
    encryption)
      file=src/encryption.rs
      binaries="validation vectors encrypted_fields_in_arrays client" ;;
    certificates)
      file=src/certificates.rs
      binaries="certificates platform_certificate_validity certificate_download_answer" ;;
    verification)
      file=src/verification.rs
      binaries="lib vectors signed_headers replay_window notification certificates many_merchants client" ;;
    notification)
      file=src/notification.rs
      binaries="vectors notification many_merchants notification_envelope notification_headers_json" ;;
    transport)
      file=src/transport.rs
      pattern=$transport_functions
      binaries="transport_faults failover proxy tls lookups fork closed_without_an_answer" ;;
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
  # As cargo arguments (-C), not test arguments, so that the build links only these binaries.
  for binary in $binaries; do
    if [ "$binary" = lib ]; then args+=(-C --lib); else args+=(-C "--test=$binary"); fi
  done
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
