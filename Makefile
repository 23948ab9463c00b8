# marsad build. `make` builds build/marsad and build/libmarsad.a.
# Sources are found by wildcard: a new module is a new file, not a Makefile edit.
# Variants: `make SAN=1` (ASan+UBSan, into build-san/), `make TSAN=1`
# (ThreadSanitizer, into build-tsan/), `make CC=clang`,
# `make FUZZ=1 fuzzers` (libFuzzer targets, into build-fuzz/).

CC      ?= cc
PKGS    := libutf8proc jansson sqlite3 zlib gumbo libmicrohttpd libpq
BUILD   ?= build
ifeq ($(SAN),1)
BUILD   := build-san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
endif
# TSAN=1: ThreadSanitizer, into build-tsan/ (scripts/test.sh runs the
# threaded code's tests there).
ifeq ($(TSAN),1)
BUILD   := build-tsan
SANFLAGS := -fsanitize=thread -fno-omit-frame-pointer
endif
# FUZZ=1: clang, libFuzzer instrumentation + ASan/UBSan, into build-fuzz/;
# the `fuzzers` target links one binary per fuzz/fuzz_*.c (scripts/fuzz.sh).
ifeq ($(FUZZ),1)
BUILD   := build-fuzz
CC      := clang
OPT     := -O1 -g
SANFLAGS := -fsanitize=fuzzer-no-link,address,undefined \
            -fno-sanitize-recover=all -fno-omit-frame-pointer
endif
OPT     ?= -O2 -g
CFLAGS  ?= $(OPT)
ALLCFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter \
             -Iinclude -Isrc -I$(BUILD)/gen $(SANFLAGS) $(CFLAGS) \
             -DMARSAD_DATADIR='"$(abspath data)"' \
             $(shell pkg-config --cflags $(PKGS))
LDLIBS  := $(shell pkg-config --libs $(PKGS)) -lm -lpthread
LDFLAGS += $(SANFLAGS)

LIB_SRC  := $(sort $(wildcard src/*/*.c))
CLI_SRC  := $(sort $(wildcard cli/*.c))
TEST_SRC := $(sort $(wildcard tests/*.c))
BENCH_SRC := $(sort $(wildcard bench/*.c))
# The dashboard (web/) is compiled in: build/gen/web_assets.c (src/serve/assets.h).
WEB_FILES := $(sort $(wildcard web/*.html web/*.js web/*.css web/*.svg))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/web_assets.o
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/%.o)
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:fuzz/%.c=$(BUILD)/%)
BENCH_BIN := $(BENCH_SRC:%.c=$(BUILD)/%)

.PHONY: all test check clean fuzz fuzzers bench bench-big setup run golden
all: $(BUILD)/marsad $(BUILD)/libmarsad.a $(BUILD)/marsad-tests $(BENCH_BIN) $(BUILD)/data.ok

# Every data file must load: a malformed line fails the build with FILE:LINE.
DATA_FILES := $(wildcard data/*.tsv) $(wildcard data/sources/*/*)
$(BUILD)/data.ok: $(BUILD)/marsad $(DATA_FILES)
	$(BUILD)/marsad validate --data data --quiet
	@touch $@

$(BUILD)/libmarsad.a: $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/marsad: $(CLI_OBJ) $(BUILD)/libmarsad.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libmarsad.a $(LDLIBS)

$(BUILD)/marsad-tests: $(TEST_OBJ) $(BUILD)/libmarsad.a
	$(CC) $(LDFLAGS) -o $@ $(TEST_OBJ) $(BUILD)/libmarsad.a $(LDLIBS)

# libFuzzer targets: one per fuzz/fuzz_*.c, linked with the library. Build
# with `make FUZZ=1 fuzzers` (scripts/fuzz.sh does).
fuzzers: $(FUZZ_BIN)
.SECONDARY: $(FUZZ_SRC:%.c=$(BUILD)/%.o)
$(BUILD)/fuzz_%: $(BUILD)/fuzz/fuzz_%.o $(BUILD)/libmarsad.a
	$(CC) $(LDFLAGS) -fsanitize=fuzzer -o $@ $< $(BUILD)/libmarsad.a $(LDLIBS)

# Benchmark helpers (bench/*.c): one program per file, linked with the library.
$(BUILD)/bench/%: bench/%.c $(BUILD)/libmarsad.a
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libmarsad.a $(LDLIBS)

# Registries of CLI commands and tests, generated from MARSAD_COMMAND(...) and
# TEST(...) lines so that adding one never means editing a shared list.
$(BUILD)/gen/commands.h: $(CLI_SRC) tools/gen_registry.sh
	@mkdir -p $(@D)
	sh tools/gen_registry.sh commands $(CLI_SRC) > $@.tmp && mv $@.tmp $@
$(BUILD)/gen/tests.h: $(TEST_SRC) tools/gen_registry.sh
	@mkdir -p $(@D)
	sh tools/gen_registry.sh tests $(TEST_SRC) > $@.tmp && mv $@.tmp $@

$(BUILD)/cli/main.o: $(BUILD)/gen/commands.h

$(BUILD)/gen/web_assets.c: $(WEB_FILES) tools/gen_assets.sh
	@mkdir -p $(@D)
	sh tools/gen_assets.sh web $(WEB_FILES) > $@.tmp && mv $@.tmp $@
$(BUILD)/gen/web_assets.o: $(BUILD)/gen/web_assets.c src/serve/assets.h
	$(CC) $(ALLCFLAGS) -c -o $@ $<
$(BUILD)/tests/main.o: $(BUILD)/gen/tests.h

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) -MMD -MP -c -o $@ $<

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_OBJ:.o=.d) \
         $(FUZZ_SRC:%.c=$(BUILD)/%.d)

setup:
	bash scripts/setup.sh

# The main job on the bundled sample articles: install what is missing,
# build, extract, score against the bundled gold.
run:
	bash scripts/setup.sh
	$(MAKE) --no-print-directory all
	bash scripts/run.sh

test:
	bash scripts/test.sh

# Rewrite the golden files after reviewing a change of extraction.
golden: all
	bash scripts/golden.sh

fuzz:
	bash scripts/fuzz.sh 120

# Speed and memory on a pinned generated corpus (bench/run.sh; data under
# build/bench/). bench-big adds a 2 GB corpus to prove memory stays flat.
bench:
	bash bench/run.sh

bench-big:
	bash bench/run.sh --big

clean:
	rm -rf build build-san build-tsan build-clang build-fuzz
