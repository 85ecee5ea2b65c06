# ztopo -- plain make, no autotools.
#
#   make              build ./ztopo
#   make demo         install missing build deps, build, compile examples/dev.zt
#   make check        install missing test deps, run the whole test suite
#                     (release build and an ASan+UBSan build)
#   make asan         build build/asan/ztopo
#   make fuzz         build the libFuzzer target (clang) and run it for
#                     FUZZ_TIME seconds (default 600) on a corpus kept in
#                     build/fuzz/work
#   make bench        measure check, ir, compile -o and --check at 100,
#                     1,000 and 10,000 hosts, against cp -r and Python
#   make install      install ztopo, its man pages, bash completion and
#                     vim syntax under DESTDIR PREFIX (default /usr/local);
#                     BINDIR, MANDIR, BASHCOMPDIR, VIMDIR to place them
#   make uninstall    remove what install put there
#   make CC=clang     the same with clang
#
# Generated parser and lexer sources go to build/, never into the tree.

CC      ?= cc
PKGS     = jansson libxml-2.0 libcrypto
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -ljansson -lxml2 -lcrypto)
CFLAGS  ?= -O2 -g
WARN     = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wno-unused-parameter
ALL_CFLAGS = -std=c11 -D_DEFAULT_SOURCE $(WARN) $(CFLAGS) $(PKG_CFLAGS) \
             -Ibuild/$(VARIANT) -Icompiler -Ibackends
LDLIBS  += $(PKG_LIBS) -pthread
FLEX    ?= flex
BISON   ?= bison

VARIANT ?= release
B        = build/$(VARIANT)
BIN     ?= ztopo

SRCS = $(sort $(wildcard compiler/*.c)) $(sort $(wildcard backends/*.c))
GEN  = $(B)/parser.c $(B)/lexer.c
OBJS = $(SRCS:%.c=$(B)/%.o) $(B)/parser.o $(B)/lexer.o
HDRS = $(wildcard compiler/*.h) $(wildcard backends/*.h)

SAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all \
            -fno-omit-frame-pointer

.PHONY: all demo check e2e asan bench clean deps test-deps unit fuzz fuzz-build \
	install uninstall

PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
MANDIR      ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
VIMDIR      ?= $(PREFIX)/share/vim/vimfiles
# what install puts where: source, destination, mode
INSTALLED = $(BIN):$(BINDIR)/ztopo:0755 \
	doc/ztopo.1:$(MANDIR)/man1/ztopo.1:0644 \
	doc/ztopo.5:$(MANDIR)/man5/ztopo.5:0644 \
	doc/ztopo.bash:$(BASHCOMPDIR)/ztopo:0644 \
	doc/vim/syntax/zt.vim:$(VIMDIR)/syntax/zt.vim:0644 \
	doc/vim/ftdetect/zt.vim:$(VIMDIR)/ftdetect/zt.vim:0644
.DELETE_ON_ERROR:

all: $(BIN)

$(BIN): $(OBJS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)

# The README's pictures: `ztopo graph` of the examples, drawn by Graphviz.
# Committed; `make` redraws them when dot is installed.
DOT  := $(shell command -v dot 2>/dev/null)
IMGS  = doc/img/dev.svg doc/img/prod.svg
ifneq ($(DOT),)
all: $(IMGS)
endif

doc/img/%.svg: examples/%.zt examples/openstack.zt $(BIN)
	@mkdir -p doc/img
	$(abspath $(BIN)) graph $< >$@.dot && $(DOT) -Tsvg -o $@ $@.dot; \
	    rc=$$?; rm -f $@.dot; exit $$rc

$(B)/parser.c $(B)/parser.h: grammar/parser.y
	@mkdir -p $(B)
	$(BISON) -Wall -Werror --header=$(B)/parser.h -o $(B)/parser.c $<

$(B)/lexer.c $(B)/lexer.h: grammar/lexer.l $(B)/parser.h
	@mkdir -p $(B)
	$(FLEX) --header-file=$(B)/lexer.h -o $(B)/lexer.c $<

# flex output is not -Wextra clean; relax what it trips on.
$(B)/lexer.o: $(B)/lexer.c $(HDRS)
	$(CC) $(ALL_CFLAGS) -Wno-sign-compare -Wno-unused-function \
	    -Wno-missing-prototypes -Wno-shadow -c -o $@ $<

$(B)/parser.o: $(B)/parser.c $(B)/lexer.h $(HDRS)
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -c -o $@ $<

$(B)/%.o: %.c $(HDRS) $(B)/parser.h $(B)/lexer.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# unit tests link the front end without the CLI
LIBOBJS = $(filter-out $(B)/compiler/main.o,$(OBJS))
$(B)/unit: tests/unit/unit.c $(LIBOBJS) $(HDRS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ tests/unit/unit.c $(LIBOBJS) $(LDLIBS)

unit: $(B)/unit

# The fuzz target: the pipeline in memory (tests/fuzz/fuzz.c), built with
# clang's libFuzzer, ASan and UBSan.
FUZZ_TIME ?= 600
FUZZ_SAN   = -fsanitize=address,undefined -fno-sanitize-recover=all \
             -fno-omit-frame-pointer
$(B)/fuzz: tests/fuzz/fuzz.c $(LIBOBJS) $(HDRS)
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer $(LDFLAGS) -o $@ \
	    tests/fuzz/fuzz.c $(LIBOBJS) $(LDLIBS)

fuzz-build:
	$(MAKE) VARIANT=fuzz CC=clang BIN=build/fuzz/ztopo \
	    CFLAGS="-O1 -g -fsanitize=fuzzer-no-link $(FUZZ_SAN)" \
	    LDFLAGS="$(FUZZ_SAN)" build/fuzz/fuzz

fuzz: fuzz-build
	tests/fuzz/run.sh build/fuzz/fuzz $(FUZZ_TIME) build/fuzz/work

asan:
	$(MAKE) VARIANT=asan BIN=build/asan/ztopo \
	    CFLAGS="-O1 -g $(SAN_FLAGS)" LDFLAGS="$(SAN_FLAGS)" \
	    build/asan/ztopo build/asan/unit

deps:
	@tests/install-deps.sh build

test-deps:
	@tests/install-deps.sh build test e2e

demo: deps
	$(MAKE) all
	./ztopo compile examples/dev.zt --redact -o out/dev
	@echo "==> out/dev:"; find out/dev -type f | LC_ALL=C sort

check: test-deps
	$(MAKE) all unit
	$(MAKE) asan
	$(MAKE) fuzz-build
	tests/run.sh

# the golden cases, the examples and the unit tests, without the consumers
check-fast: all unit
	tests/run.sh --fast

bench: all
	/usr/bin/python3 tests/bench/bench.py

# the dev target booted in network namespaces (tests/t/e2e-boot.sh), alone
e2e: test-deps
	$(MAKE) all
	tests/run.sh t/e2e-boot

install: $(BIN)
	@set -e; for i in $(INSTALLED); do \
	    src=$${i%%:*}; rest=$${i#*:}; dst=$${rest%:*}; mode=$${rest##*:}; \
	    install -d "$(DESTDIR)$${dst%/*}"; \
	    echo "install -m $$mode $$src $(DESTDIR)$$dst"; \
	    install -m $$mode "$$src" "$(DESTDIR)$$dst"; \
	done

uninstall:
	@for i in $(INSTALLED); do \
	    rest=$${i#*:}; dst=$${rest%:*}; \
	    echo "rm -f $(DESTDIR)$$dst"; rm -f "$(DESTDIR)$$dst"; \
	done

clean:
	rm -rf build ztopo out
