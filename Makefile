# marsad build. `make` builds build/marsad and build/libmarsad.a.
# Sources are found by wildcard: a new module is a new file, not a Makefile edit.
# Variants: `make SAN=1` (ASan+UBSan, into build-san/), `make CC=clang`.

CC      ?= cc
PKGS    := libutf8proc jansson sqlite3 zlib libmicrohttpd
BUILD   ?= build
ifeq ($(SAN),1)
BUILD   := build-san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
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
# The dashboard (web/) is compiled in: build/gen/web_assets.c (src/serve/assets.h).
WEB_FILES := $(sort $(wildcard web/*.html web/*.js web/*.css web/*.svg))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/web_assets.o
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/%.o)

.PHONY: all test check clean fuzz bench setup run
all: $(BUILD)/marsad $(BUILD)/libmarsad.a $(BUILD)/marsad-tests

$(BUILD)/libmarsad.a: $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/marsad: $(CLI_OBJ) $(BUILD)/libmarsad.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libmarsad.a $(LDLIBS)

$(BUILD)/marsad-tests: $(TEST_OBJ) $(BUILD)/libmarsad.a
	$(CC) $(LDFLAGS) -o $@ $(TEST_OBJ) $(BUILD)/libmarsad.a $(LDLIBS)

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

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_OBJ:.o=.d)

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

fuzz:
	bash scripts/fuzz.sh 120

bench:
	bash bench/run.sh

clean:
	rm -rf build build-san build-clang build-fuzz
