#!/usr/bin/env bash
# Installs what the test suite needs and this machine lacks, saying what and why; `make test`
# runs it before `cargo test`. On Debian and Ubuntu it installs through apt-get (as root, or with
# sudo), pip and `cargo install --locked` with pinned versions; elsewhere it prints what to
# install and stops.
set -euo pipefail

# PHP-FPM's command carries PHP's version (php-fpm8.2 on Debian 12).
php_fpm="php-fpm$(php -r 'echo PHP_MAJOR_VERSION, ".", PHP_MINOR_VERSION;' 2>/dev/null || true)"

# Debian package, the command that shows it is there, and why the tests need it.
packages=(
  "make|make|the C package test installs with the Makefile"
  "pkgconf|pkg-config|the C example builds with pkg-config"
  "gcc|cc|the C programs of the tests (and aws-lc) are compiled"
  "g++|c++|the header is checked as C++"
  "valgrind|valgrind|the C ABI test runs under memcheck and helgrind"
  "openssl|openssl|a request signed independently of the library"
  "git|git|the benchmark and package tests read the work tree"
  "php-cli|php|the PHP binding's tests"
  "phpunit|phpunit|the PHP binding's test runner"
  "composer|composer|composer validate of the PHP package"
  "tinyproxy|tinyproxy|the proxy tests go through a real forward proxy"
  "php-fpm|$php_fpm|the PHP binding is tested in a real PHP-FPM pool"
  "libfcgi-bin|cgi-fcgi|the PHP-FPM test sends its requests over FastCGI"
  "chromium|chromium|the sandbox's signing page is tested in a real browser"
  "chromium-driver|chromedriver|the browser test drives Chromium through WebDriver"
)
CARGO_DENY=0.20.2   # tests/it/supply_chain.rs: licenses, bans, sources
CARGO_FUZZ=0.13.2   # tests/it/fuzz_smoke.rs: every fuzz target for a few seconds

missing=()
for entry in "${packages[@]}"; do
  IFS='|' read -r package command why <<<"$entry"
  if ! command -v "$command" >/dev/null 2>&1; then
    echo "setup: installing $package: $why"
    missing+=("$package")
  fi
done
# Debian's python3 keeps venv (and the pip it seeds) in a package of its own.
if command -v python3 >/dev/null 2>&1 && ! python3 -c "import venv, ensurepip" >/dev/null 2>&1; then
  echo "setup: installing python3-venv: the wheel is tested in a fresh venv"
  missing+=("python3-venv")
fi
# A font with Chinese glyphs, or the signing page's screenshot shows empty boxes.
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  echo "setup: installing fonts-wqy-zenhei: the signing page's screenshot shows Chinese"
  missing+=("fonts-wqy-zenhei")
fi

if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: this is not a Debian or Ubuntu system; install these and run again: ${missing[*]}" >&2
    exit 1
  fi
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo=(sudo)
    else
      echo "setup: apt-get needs root (or sudo) to install: ${missing[*]}" >&2
      exit 1
    fi
  fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}"
fi

python=python3
if ! command -v "$python" >/dev/null 2>&1; then
  echo "setup: python3 is needed for the Python binding's tests; install it and run again" >&2
  exit 1
fi
for module in pytest wheel; do
  if ! "$python" -c "import $module" >/dev/null 2>&1; then
    echo "setup: installing $module with pip: the Python binding's tests (and its wheel)"
    "$python" -m pip install -q "$module"
  fi
done

if ! cargo deny --version 2>/dev/null | grep -q "$CARGO_DENY"; then
  echo "setup: installing cargo-deny $CARGO_DENY: the supply-chain test"
  cargo install --locked --quiet "cargo-deny@$CARGO_DENY"
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "setup: installing cargo-fuzz $CARGO_FUZZ: the fuzzing smoke test"
  cargo install --locked --quiet "cargo-fuzz@$CARGO_FUZZ"
fi
echo "setup: everything the tests need is installed"
