# libagcupload — build, test and demo. On a fresh machine: `make demo`, then `make test`.
CARGO    ?= cargo
CC       ?= cc
CBINDGEN ?= cbindgen
CFLAGS   ?= -O2 -g
WARN      = -Wall -Wextra -Werror -std=c11
RELEASE   = target/release
LIBDIR    = $(abspath $(RELEASE))
LDLIBS    = -L$(LIBDIR) -lagcupload -Wl,-rpath,$(LIBDIR)
HEADER    = include/agcupload.h
VALGRIND := $(shell command -v valgrind 2>/dev/null)

.PHONY: all lib header check-header examples mock demo test test-rust test-c test-python clean

all: lib header examples

# libagcupload.so and libagcupload.a, plus the mock server binary (same workspace).
lib:
	$(CARGO) build --release --workspace

header:
	$(CBINDGEN) --quiet --config cbindgen.toml --crate agcupload --output $(HEADER)

# Fails when the committed header differs from what cbindgen generates from the source.
check-header:
	@mkdir -p target
	$(CBINDGEN) --quiet --config cbindgen.toml --crate agcupload --output target/agcupload.h.check
	@diff -u $(HEADER) target/agcupload.h.check && echo "header is fresh"

examples: lib $(RELEASE)/upload

$(RELEASE)/upload: examples-c/upload.c $(HEADER) lib
	$(CC) $(WARN) $(CFLAGS) -Iinclude examples-c/upload.c -o $@ $(LDLIBS)

$(RELEASE)/test_abi: tests/c/test_abi.c $(HEADER) lib
	$(CC) $(WARN) $(CFLAGS) -Iinclude tests/c/test_abi.c -o $@ $(LDLIBS)

mock:
	$(CARGO) build --release -p agc-mock

# Start the mock AGC server, make a sample .app, upload it with the progress bar.
demo: all
	scripts/demo.sh

test: test-rust test-c test-python

test-rust:
	$(CARGO) test --workspace

test-c: lib $(RELEASE)/test_abi
ifdef VALGRIND
	scripts/with-mock.sh valgrind --quiet --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect --suppressions=tests/c/valgrind.supp $(RELEASE)/test_abi
else
	scripts/with-mock.sh $(RELEASE)/test_abi
endif

test-python: lib
	scripts/with-mock.sh python3 tests/python/test_ctypes.py

clean:
	$(CARGO) clean

# ---------------------------------------------------------------------------------------------
# Benchmarks (not part of `make test`): ours vs openssl/sha256sum/curl on the mock server,
# writes BENCHMARKS.md. BENCH_LARGE=1 adds a 4 GiB file. See bench/run.py.
.PHONY: bench
bench: all mock
	python3 bench/run.py
