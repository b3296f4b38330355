# libwxpresign for C users: the shared library under its soname, the static library, the header
# and a pkg-config file (bindings/c/wxpresign.pc.in).
#
#   make                                   # the library alone: cargo build --release -p wxpresign --lib
#   sudo make install                      # under /usr/local; `make uninstall` removes it all
#   make install PREFIX=/usr DESTDIR=/tmp/stage   # staged, for packaging
#   make install-cli                       # the wxpresign command too (demo, sandbox, call,
#                                          # endpoints), from the sandbox crate (sandbox/)
#   make install LIBRARY=path/libwxpresign.so STATICLIB=path/libwxpresign.a
#                                          # installs these as they are, without running cargo
#   make dist                              # the release archive of this platform, under
#                                          # target/dist (see "Release archive" below)
#   make test                              # installs what the tests need (tests/setup.sh), then
#                                          # runs them all: the README's test command
#   make test-quick                        # the core tests alone, for day-to-day work
#                                          # (docs/testing.md)
#
# The installed wxpresign.pc carries no rpath. A program linked against a prefix the system
# loader does not search (not /usr/local or /usr) finds the library at run time with
#   cc app.c $(pkg-config --cflags --libs wxpresign) -Wl,-rpath,$(pkg-config --variable=libdir wxpresign)
# or with LD_LIBRARY_PATH. Installing as root without DESTDIR runs ldconfig, so that dlopen
# ("libwxpresign.so", as PHP's FFI and Python's ctypes do) finds a /usr/local install at once.
#
# The soname is libwxpresign.so.<major> (.so.0 for every 0.x): build.rs sets it, and the ABI only
# grows within a major version. Installed: libwxpresign.so.<version>, libwxpresign.so.<major> ->
# libwxpresign.so.<version>, libwxpresign.so -> libwxpresign.so.<major>.

PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BINDIR ?= $(PREFIX)/bin
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
DESTDIR ?=

CARGO ?= cargo
CARGOFLAGS ?=
# release, or debug (cargo's dev profile), or any custom profile of Cargo.toml.
CARGO_PROFILE ?= release
INSTALL ?= install

# What a program linking libwxpresign.a needs besides it: Rust's std on linux-gnu. Found with
#   cargo rustc --release --lib --crate-type staticlib -- --print native-static-libs
LIBS_PRIVATE ?= -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc

SRCDIR := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
CARGO_TARGET_DIR ?= $(SRCDIR)/target
PROFILE_DIR := $(if $(filter dev,$(CARGO_PROFILE)),debug,$(CARGO_PROFILE))
PROFILE_FLAG := --profile $(if $(filter debug,$(CARGO_PROFILE)),dev,$(CARGO_PROFILE))

# The [package] version of Cargo.toml.
VERSION := $(shell sed -n '/^\[package\]/,/^\[/s/^version *= *"\(.*\)".*/\1/p' '$(SRCDIR)/Cargo.toml')
MAJOR := $(firstword $(subst ., ,$(VERSION)))
REALNAME := libwxpresign.so.$(VERSION)
SONAME := libwxpresign.so.$(MAJOR)

# Given LIBRARY= on the command line, install takes the built files as they are
# (sandbox/tests/c_package.rs does, from inside `cargo test`, where cargo cannot run again);
# likewise CLI= for install-cli.
ifneq ($(origin LIBRARY),command line)
LIBRARY := $(CARGO_TARGET_DIR)/$(PROFILE_DIR)/libwxpresign.so
STATICLIB ?= $(CARGO_TARGET_DIR)/$(PROFILE_DIR)/libwxpresign.a
INSTALL_NEEDS := build
else
STATICLIB ?= $(dir $(LIBRARY))libwxpresign.a
INSTALL_NEEDS :=
endif
ifneq ($(origin CLI),command line)
CLI := $(CARGO_TARGET_DIR)/$(PROFILE_DIR)/wxpresign
INSTALL_CLI_NEEDS := build-cli
else
INSTALL_CLI_NEEDS :=
endif

# Below the prefix, the .pc file says ${prefix}/...: pkg-config --define-prefix can relocate it.
pc_path = $(patsubst $(PREFIX)/%,$${prefix}/%,$(1))

.PHONY: all build build-cli install install-cli uninstall uninstall-cli print-version setup test test-quick check dist

all: build

# What the tests need besides the Rust toolchain: C tools, valgrind, PHP, pytest, cargo-deny and
# cargo-fuzz, installed when missing (tests/setup.sh says what and why).
setup:
	bash '$(SRCDIR)/tests/setup.sh'

# Every test of the workspace: the library's (tests/) and the sandbox's (sandbox/tests/), both
# default members; then the checks of how the code is kept.
test: setup
	cd '$(SRCDIR)' && $(CARGO) test $(CARGOFLAGS)
	$(MAKE) -C '$(SRCDIR)' check

# The library's API documentation builds without a warning (every public item documented, no
# broken link), and no function of src/ or sandbox/src/ is longer than 80 lines.
check:
	cd '$(SRCDIR)' && RUSTDOCFLAGS="-D warnings" $(CARGO) doc --no-deps -p wxpresign $(CARGOFLAGS)
	cd '$(SRCDIR)' && python3 tests/long_functions.py src sandbox/src

# The library's core against the in-process sandbox, in a few minutes instead of the whole
# suite's: unit tests, published vectors, validation, configuration, requests, the conformance
# cases, calls, notifications, the sandbox, the header and the command. Needs the Rust
# toolchain, a C compiler and openssl, no setup; docs/testing.md. QUICK_TESTS are modules of the
# crates' integration test binaries (tests/it/ and sandbox/tests/it/), run by name: the unit
# tests run apart, as the names would filter them too.
QUICK_TESTS ?= validation config vectors request conformance client notification sandbox header cli
test-quick:
	cd '$(SRCDIR)' && $(CARGO) test $(CARGOFLAGS) --lib && \
	    $(CARGO) test $(CARGOFLAGS) --test it -- $(addsuffix ::,$(QUICK_TESTS))

# The library of the root crate only: -p, since the workspace's default members include the
# sandbox crate, whose code users never get in the library.
build:
	$(CARGO) build --manifest-path '$(SRCDIR)/Cargo.toml' $(PROFILE_FLAG) -p wxpresign --lib $(CARGOFLAGS)

# The wxpresign command is the sandbox crate's program.
build-cli:
	$(CARGO) build --manifest-path '$(SRCDIR)/Cargo.toml' $(PROFILE_FLAG) -p wxpresign-sandbox --bin wxpresign $(CARGOFLAGS)

install: $(INSTALL_NEEDS)
	@test -n '$(VERSION)' || { echo 'no [package] version in $(SRCDIR)/Cargo.toml' >&2; exit 1; }
	$(INSTALL) -d '$(DESTDIR)$(LIBDIR)' '$(DESTDIR)$(INCLUDEDIR)' '$(DESTDIR)$(PKGCONFIGDIR)'
	$(INSTALL) -m 755 '$(LIBRARY)' '$(DESTDIR)$(LIBDIR)/$(REALNAME)'
	ln -sf '$(REALNAME)' '$(DESTDIR)$(LIBDIR)/$(SONAME)'
	ln -sf '$(SONAME)' '$(DESTDIR)$(LIBDIR)/libwxpresign.so'
	$(INSTALL) -m 644 '$(STATICLIB)' '$(DESTDIR)$(LIBDIR)/libwxpresign.a'
	$(INSTALL) -m 644 '$(SRCDIR)/include/wxpresign.h' '$(DESTDIR)$(INCLUDEDIR)/wxpresign.h'
	sed -e 's|@PREFIX@|$(PREFIX)|' \
	    -e 's|@LIBDIR@|$(call pc_path,$(LIBDIR))|' \
	    -e 's|@INCLUDEDIR@|$(call pc_path,$(INCLUDEDIR))|' \
	    -e 's|@VERSION@|$(VERSION)|' \
	    -e 's|@LIBS_PRIVATE@|$(LIBS_PRIVATE)|' \
	    '$(SRCDIR)/bindings/c/wxpresign.pc.in' > '$(DESTDIR)$(PKGCONFIGDIR)/wxpresign.pc'
	chmod 644 '$(DESTDIR)$(PKGCONFIGDIR)/wxpresign.pc'
	@if [ -z '$(DESTDIR)' ] && [ -w /etc/ld.so.cache ] && command -v ldconfig >/dev/null; then \
	    echo 'ldconfig'; ldconfig; fi

install-cli: $(INSTALL_CLI_NEEDS)
	$(INSTALL) -d '$(DESTDIR)$(BINDIR)'
	$(INSTALL) -m 755 '$(CLI)' '$(DESTDIR)$(BINDIR)/wxpresign'

uninstall:
	rm -f '$(DESTDIR)$(LIBDIR)/$(REALNAME)' '$(DESTDIR)$(LIBDIR)/$(SONAME)' \
	      '$(DESTDIR)$(LIBDIR)/libwxpresign.so' '$(DESTDIR)$(LIBDIR)/libwxpresign.a' \
	      '$(DESTDIR)$(INCLUDEDIR)/wxpresign.h' '$(DESTDIR)$(PKGCONFIGDIR)/wxpresign.pc'

uninstall-cli:
	rm -f '$(DESTDIR)$(BINDIR)/wxpresign'

print-version:
	@echo $(VERSION)

# Release archive: target/dist/wxpresign-<version>-<host triple>.tar.gz, and its .sha256. Inside,
# one directory that works where it is unpacked:
#   lib/        libwxpresign.so.<version> with its soname links, libwxpresign.a,
#               pkgconfig/wxpresign.pc (relative to its own place: prefix=${pcfiledir}/../..)
#   include/    wxpresign.h
#   bin/        wxpresign (demo, sandbox, call, endpoints)
#   python/     the wheel (pip install python/*.whl)
#   php/        the Composer package with the library in php/lib/, where it looks first
#   LICENSE, README.md, docs/, SHA256SUMS (every file, for sha256sum -c)
# The wheel is built by pip (PYTHON, PIP_WHEEL_FLAGS): see bindings/python/README.md.
PYTHON ?= python3
PIP_WHEEL_FLAGS ?=
HOST := $(shell rustc -vV 2>/dev/null | sed -n 's/^host: //p')
DIST_NAME := wxpresign-$(VERSION)-$(HOST)
DISTDIR ?= $(CARGO_TARGET_DIR)/dist
DIST_STAGE := $(DISTDIR)/$(DIST_NAME)
# What the PHP package is made of: the library's code, not its tests and benchmarks.
PHP_FILES := README.md composer.json autoload.php preload.php bin include src examples

dist: build build-cli
	@test -n '$(HOST)' || { echo 'rustc -vV did not say the host triple' >&2; exit 1; }
	rm -rf '$(DIST_STAGE)' '$(DISTDIR)/$(DIST_NAME).tar.gz' '$(DISTDIR)/$(DIST_NAME).tar.gz.sha256'
	$(MAKE) -f '$(SRCDIR)/Makefile' --no-print-directory install install-cli \
	    DESTDIR='$(DIST_STAGE)' PREFIX= LIBRARY='$(LIBRARY)' STATICLIB='$(STATICLIB)' CLI='$(CLI)'
	sed -i 's|^prefix=.*|prefix=$${pcfiledir}/../..|' '$(DIST_STAGE)/lib/pkgconfig/wxpresign.pc'
	$(INSTALL) -d '$(DIST_STAGE)/php/lib'
	cd '$(SRCDIR)/bindings/php' && cp -R $(PHP_FILES) '$(DIST_STAGE)/php/'
	$(INSTALL) -m 755 '$(LIBRARY)' '$(DIST_STAGE)/php/lib/libwxpresign.so'
	$(PYTHON) -m pip wheel --no-deps --wheel-dir '$(DIST_STAGE)/python' $(PIP_WHEEL_FLAGS) \
	    '$(SRCDIR)/bindings/python'
	$(INSTALL) -m 644 '$(SRCDIR)/LICENSE' '$(SRCDIR)/README.md' '$(DIST_STAGE)/'
	cp -R '$(SRCDIR)/docs' '$(DIST_STAGE)/docs'
	$(INSTALL) -m 644 '$(SRCDIR)/LICENSE' '$(DIST_STAGE)/php/LICENSE'
	cd '$(DIST_STAGE)' && find . -type f ! -name SHA256SUMS | LC_ALL=C sort | sed 's|^\./||' \
	    | xargs sha256sum > SHA256SUMS
	tar -C '$(DISTDIR)' --sort=name --owner=0 --group=0 --numeric-owner \
	    -czf '$(DISTDIR)/$(DIST_NAME).tar.gz' '$(DIST_NAME)'
	cd '$(DISTDIR)' && sha256sum '$(DIST_NAME).tar.gz' > '$(DIST_NAME).tar.gz.sha256'
	@echo 'dist: $(DISTDIR)/$(DIST_NAME).tar.gz'
