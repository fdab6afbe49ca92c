# unboil - see README.md.  Plain make; pkg-config finds PCRE2, utf8proc,
# zlib and libzstd; iconv comes with the C library.

PKG_CONFIG ?= pkg-config
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/unboil
SYSCONFDIR ?= /etc
MANDIR ?= $(PREFIX)/share/man
DESTDIR ?=
CC ?= cc
CFLAGS ?= -O2 -g
WARN = -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
VERSION = 0.1.0

PKGS = libpcre2-8 libutf8proc zlib libzstd
# Debian packages that provide what the build and the tests need: zlib and
# libzstd for compressed input, GNU parallel for the scale-out test, zstd
# for the tests' compressed files, python3 for the tests' checks, numpy
# for training the structural model, which make check verifies against the
# bundled one (neither is needed at run time).
APT_PKGS = pkg-config libpcre2-dev libutf8proc-dev zlib1g-dev libzstd-dev \
	mandoc parallel zstd python3 python3-numpy
# Debian's python3, where python3-numpy installs.
PYTHON ?= /usr/bin/python3
# Deferred (=), so that a recursive make run after 'deps' sees new packages.
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

ALL_CFLAGS = $(WARN) $(CFLAGS) $(PKG_CFLAGS) -D_POSIX_C_SOURCE=200809L \
	-DUNBOIL_VERSION='"$(VERSION)"' -DUNBOIL_DATADIR='"$(DATADIR)"' \
	-DUNBOIL_SYSCONFDIR='"$(SYSCONFDIR)"'
LIBS = $(PKG_LIBS) -lpthread -lm

# The library, folder by folder in the order the bytes travel (README.md,
# Layout); the command is src/cli.
LIB_SRC = src/buf.c \
	src/text/utf8.c src/text/unzip.c src/text/decode.c src/text/entities.c src/text/entity_table.c src/text/repair.c src/text/plain.c src/text/norm.c \
	src/rules/literal.c src/rules/aho.c src/rules/prefilter.c src/rules/rules.c src/rules/apply.c \
	src/layout/prose.c src/layout/model.c src/layout/layout.c \
	src/clean.c src/pool.c src/stream.c src/formats/jsonl.c
LIB_OBJ = $(LIB_SRC:.c=.o)
CLI_SRC = src/cli/main.c src/cli/options.c src/cli/load.c src/cli/report.c src/cli/rulepath.c
CLI_OBJ = $(CLI_SRC:.c=.o)
HDRS = $(wildcard src/*.h src/*/*.h)
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:.c=)

.PHONY: all check demo deps install uninstall clean lint-man test-bins fuzz asan ubsan tsan bench \
	model cv audit

all: unboil

src/%.o: src/%.c $(HDRS)
	$(CC) $(ALL_CFLAGS) -Isrc -c -o $@ $<

libunboil.a: $(LIB_OBJ)
	$(AR) rcs $@ $(LIB_OBJ)

unboil: $(CLI_OBJ) libunboil.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) libunboil.a $(LIBS)

tests/unit/%: tests/unit/%.c tests/unit/unit.h libunboil.a
	$(CC) $(ALL_CFLAGS) -Isrc -o $@ $< libunboil.a $(LIBS)

tests/tools/peakrss: tests/tools/peakrss.c
	$(CC) $(WARN) $(CFLAGS) -o $@ $<

fuzz/bin/replay_%: fuzz/fuzz_%.c fuzz/replay.c libunboil.a
	@mkdir -p fuzz/bin
	$(CC) $(ALL_CFLAGS) -Isrc -DFUZZ_PATTERNS='"patterns"' -o $@ fuzz/fuzz_$*.c fuzz/replay.c libunboil.a $(LIBS)

test-bins: $(UNIT_BIN) tests/tools/peakrss fuzz/bin/replay_clean fuzz/bin/replay_rules \
	fuzz/bin/replay_decode

# Installs the Debian packages the build and the tests need, if missing.
deps:
	@if $(PKG_CONFIG) --exists $(PKGS) 2>/dev/null && command -v mandoc >/dev/null && \
		command -v parallel >/dev/null && command -v zstd >/dev/null && \
		$(PYTHON) -c 'import numpy' 2>/dev/null; then \
		echo "deps: all present"; \
	else \
		echo "deps: installing $(APT_PKGS)"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(APT_PKGS); \
	fi

check: deps
	$(MAKE) all test-bins
	tests/run.sh

demo: deps
	$(MAKE) all
	@for f in fixtures/seeds/*.txt; do \
		case $$f in *.expected.txt) continue ;; esac; \
		echo "==> ./unboil $$f"; ./unboil "$$f" || exit $$?; echo; \
	done
	@echo "==> ./unboil --explain fixtures/seeds/004_8ff143d362b719fb.txt (why lines went)"
	@./unboil --explain fixtures/seeds/004_8ff143d362b719fb.txt | \
		awk -F'\t' '$$2 != "keep" && $$4 != ""' | cut -c1-110

install: unboil
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	install -m 755 unboil $(DESTDIR)$(BINDIR)/unboil
	install -m 644 patterns/*.rules patterns/layout.model $(DESTDIR)$(DATADIR)/
	install -m 644 man/unboil.1 $(DESTDIR)$(MANDIR)/man1/unboil.1
	install -m 644 man/unboil-rules.5 $(DESTDIR)$(MANDIR)/man5/unboil-rules.5
	install -m 644 man/unboil-model.5 $(DESTDIR)$(MANDIR)/man5/unboil-model.5

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/unboil $(DESTDIR)$(MANDIR)/man1/unboil.1 \
		$(DESTDIR)$(MANDIR)/man5/unboil-rules.5 $(DESTDIR)$(MANDIR)/man5/unboil-model.5
	rm -f $(DESTDIR)$(DATADIR)/*.rules $(DESTDIR)$(DATADIR)/layout.model
	-rmdir $(DESTDIR)$(DATADIR)

# The structural model: trained from ../shared/corpus (train/README.md);
# cv prints its out-of-fold figures, audit the rules' per-site counts.
model: deps
	$(MAKE) all
	$(PYTHON) train/train.py

cv: deps
	$(MAKE) all
	$(PYTHON) train/cv.py --also 1,2,3

audit: all
	$(PYTHON) train/rule_audit.py

# The speed benchmark: bench/run.sh, on ../shared/bench corpora of BENCH_SIZE.
BENCH_SIZE ?= 256M
bench: all tests/tools/peakrss
	bench/run.sh $(BENCH_SIZE)

# libFuzzer targets (clang); see fuzz/README.md.
FUZZ_CC ?= clang
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
fuzz: deps
	@mkdir -p fuzz/bin
	$(FUZZ_CC) $(FUZZ_FLAGS) $(PKG_CFLAGS) -D_POSIX_C_SOURCE=200809L -Isrc \
		-DFUZZ_PATTERNS='"$(CURDIR)/patterns"' -o fuzz/bin/fuzz_clean \
		fuzz/fuzz_clean.c $(LIB_SRC) $(LIBS)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(PKG_CFLAGS) -D_POSIX_C_SOURCE=200809L -Isrc \
		-o fuzz/bin/fuzz_rules fuzz/fuzz_rules.c $(LIB_SRC) $(LIBS)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(PKG_CFLAGS) -D_POSIX_C_SOURCE=200809L -Isrc \
		-o fuzz/bin/fuzz_decode fuzz/fuzz_decode.c $(LIB_SRC) $(LIBS)

# The whole test suite under AddressSanitizer, UndefinedBehaviorSanitizer
# or ThreadSanitizer (the -j runs share slots between threads); each
# rebuilds from clean and cleans up after itself.
SAN_CFLAGS = -O1 -g -fno-omit-frame-pointer
asan: deps
	$(MAKE) clean
	$(MAKE) all test-bins CFLAGS="$(SAN_CFLAGS) -fsanitize=address" LDFLAGS="-fsanitize=address"
	UNBOIL_SANITIZED=asan ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 tests/run.sh
	$(MAKE) clean

ubsan: deps
	$(MAKE) clean
	$(MAKE) all test-bins CFLAGS="$(SAN_CFLAGS) -fsanitize=undefined -fno-sanitize-recover=all" \
		LDFLAGS="-fsanitize=undefined"
	UNBOIL_SANITIZED=ubsan tests/run.sh
	$(MAKE) clean

tsan: deps
	$(MAKE) clean
	$(MAKE) all test-bins CFLAGS="$(SAN_CFLAGS) -fsanitize=thread" LDFLAGS="-fsanitize=thread"
	UNBOIL_SANITIZED=tsan TSAN_OPTIONS=halt_on_error=1 tests/run.sh
	$(MAKE) clean

lint-man:
	mandoc -Tlint -Wwarning man/unboil.1 man/unboil-rules.5 man/unboil-model.5

clean:
	rm -f unboil libunboil.a src/*.o src/*/*.o $(UNIT_BIN) tests/tools/peakrss
	rm -rf tests/out fuzz/bin
