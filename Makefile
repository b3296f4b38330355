# libwxpresign for C users: the shared library under its soname, the static library, the header
# and a pkg-config file (bindings/c/wxpresign.pc.in).
#
#   make                                   # cargo build --release --lib
#   sudo make install                      # under /usr/local; `make uninstall` removes it all
#   make install PREFIX=/usr DESTDIR=/tmp/stage   # staged, for packaging
#   make install-cli                       # the wxpresign command too
#   make install LIBRARY=path/libwxpresign.so STATICLIB=path/libwxpresign.a
#                                          # installs these as they are, without running cargo
#   make test                              # installs what the tests need (tests/setup.sh), then
#                                          # runs them all: the README's test command
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

# Given LIBRARY= on the command line, install takes the built files as they are (tests/c_package.rs
# does, from inside `cargo test`, where cargo cannot run again); likewise CLI= for install-cli.
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

.PHONY: all build build-cli install install-cli uninstall uninstall-cli print-version setup test

all: build

# What the tests need besides the Rust toolchain: C tools, valgrind, PHP, pytest, cargo-deny and
# cargo-fuzz, installed when missing (tests/setup.sh says what and why).
setup:
	bash '$(SRCDIR)/tests/setup.sh'

test: setup
	cd '$(SRCDIR)' && $(CARGO) test $(CARGOFLAGS)

build:
	$(CARGO) build --manifest-path '$(SRCDIR)/Cargo.toml' $(PROFILE_FLAG) --lib $(CARGOFLAGS)

build-cli:
	$(CARGO) build --manifest-path '$(SRCDIR)/Cargo.toml' $(PROFILE_FLAG) --bin wxpresign $(CARGOFLAGS)

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
