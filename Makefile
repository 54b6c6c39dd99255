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
LIBDIR    = $(abspath $(RELEASE))
LDLIBS    = -L$(LIBDIR) -lagcupload -Wl,-rpath,$(LIBDIR)
HEADER    = include/agcupload.h
VALGRIND := $(shell command -v valgrind 2>/dev/null)

.PHONY: all lib cli install-cli header check-header lint examples mock demo test test-rust test-c test-python test-cli clean

# The header is committed (and checked fresh in CI), so building needs no cbindgen.
all: lib cli examples

# libagcupload.so and libagcupload.a, plus the mock server binary (same workspace).
lib:
	$(CARGO) build --release --workspace

target/tools/bin/cbindgen:
	$(CARGO) install --locked cbindgen --version $(CBINDGEN_VERSION) --root target/tools

header: $(CBINDGEN)
	$(CBINDGEN) --quiet --config cbindgen.toml --crate agcupload --output $(HEADER)

# Fails when the committed header differs from what cbindgen generates from the source.
check-header: $(CBINDGEN)
	@mkdir -p target
	$(CBINDGEN) --quiet --config cbindgen.toml --crate agcupload --output target/agcupload.h.check
	@diff -u $(HEADER) target/agcupload.h.check && echo "header is fresh"

# Formatting and clippy, warnings as errors (CI runs it).
lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

examples: lib $(RELEASE)/upload $(RELEASE)/upload-static

# The command-line tool target/release/agcupload (cli/, a crate of the workspace on the Rust API).
# Built by `lib` with the whole workspace: a `-p agcupload-cli` build would unify dependency
# features differently and make every other build recompile the library.
cli: lib

# Installs the tool as $(DESTDIR)$(PREFIX)/bin/agcupload (`make install` includes it).
PREFIX ?= /usr/local
install-cli: cli
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(RELEASE)/agcupload $(DESTDIR)$(PREFIX)/bin/agcupload

# The short C example of the ABI, linked against the shared library.
$(RELEASE)/upload: examples-c/upload.c $(HEADER) lib
	$(CC) $(WARN) $(CFLAGS) -Iinclude examples-c/upload.c -o $@ $(LDLIBS)

# The same program linked against the static library, proving libagcupload.a is usable.
$(RELEASE)/upload-static: examples-c/upload.c $(HEADER) lib
	$(CC) $(WARN) $(CFLAGS) -Iinclude examples-c/upload.c -o $@ $(RELEASE)/libagcupload.a -lgcc_s -lutil -lrt -lpthread -lm -ldl

$(RELEASE)/test_abi: tests/c/test_abi.c $(HEADER) lib
	$(CC) $(WARN) $(CFLAGS) -Iinclude tests/c/test_abi.c -o $@ $(LDLIBS)

mock:
	$(CARGO) build --release -p agc-mock

# Start the mock AGC server, make a sample .app, upload it with `agcupload` and its progress bar.
demo: all mock
	scripts/demo.sh

test: test-rust test-c test-python test-cli

test-rust:
	$(CARGO) test --workspace

test-c: export AGC_TEST_SA_KEY = $(abspath mock/fixtures/service-account-private.json)
test-c: lib $(RELEASE)/test_abi
ifdef VALGRIND
	scripts/with-mock.sh valgrind --quiet --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect --suppressions=tests/c/valgrind.supp $(RELEASE)/test_abi
else
	scripts/with-mock.sh $(RELEASE)/test_abi
endif

test-python: export AGC_TEST_SA_KEY = $(abspath mock/fixtures/service-account-private.json)
test-python: lib
	scripts/with-mock.sh python3 tests/python/test_ctypes.py

# The C example (shared and static) and the release `agcupload` against the standalone mock
# (parsing is instant: the mock answers "ready" on the first poll). The tool's full tests are
# in cli/tests (cargo test --workspace).
test-cli: examples cli mock
	scripts/with-mock.sh --mock-args "--polls-until-ready 0" tests/cli.sh

clean:
	$(CARGO) clean

# ---------------------------------------------------------------------------------------------
# Interop and fuzzing (kept apart from `make test`; see scripts/interop.sh, tests/interop.rs and
# tests/fuzz_parsers.rs).
.PHONY: interop fuzz
FUZZ_SECONDS ?= 60

# Uploads through the library (and the mock's TLS front) to s3s-fs, a real S3 server that
# verifies SigV4, the date window and the payload hash; installs s3s-fs under target/tools once.
interop:
	scripts/interop.sh

# The structure-aware parser fuzzer for FUZZ_SECONDS (a 2-second run of it is part of `make test`).
fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) $(CARGO) test --release --test fuzz_parsers -- --nocapture

# ---------------------------------------------------------------------------------------------
# Benchmarks (not part of `make test`): ours vs openssl/sha256sum/curl on the mock server,
# writes BENCHMARKS.md. BENCH_LARGE=1 adds a 4 GiB file. See bench/run.py (it measures the
# `agcupload` tool).
.PHONY: bench
bench: all mock
	python3 bench/run.py
