# Fuzzing: libFuzzer targets (clang) for every parser and validator that takes outside
# input, built with ASan + UBSan into build/fuzz/. `make fuzz` runs each target for
# FUZZ_TIME seconds (default 60) from its committed seed corpus in fuzz/corpus/NAME/;
# `make fuzz-smoke` (part of `make test`) replays every seed and regression input in
# fuzz/regressions/NAME/ and then fuzzes each target for FUZZ_SMOKE_TIME seconds.
# New corpus entries go to build/fuzz/corpus/NAME (git-ignored) so a run never dirties
# the tree; a crash is written to build/fuzz/crashes/ and fails the run.

FUZZ_CC := clang
FUZZ_BUILD := build/fuzz
FUZZ_TIME ?= 60
FUZZ_SMOKE_TIME ?= 8
FUZZ_CFLAGS = -std=c17 -g -O1 -Wall -Wextra -Werror -fno-omit-frame-pointer \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
	-D_GNU_SOURCE -Ifcgi-pool -Ifcgi-http -Icontract -Ifcgi-backend -Ifcgi-frontend \
	-Itests/support -Ibuild/gen $(PKG_CFLAGS)
FUZZ_SRC := $(wildcard fuzz/fuzz_*.c)
FUZZ_NAMES := $(patsubst fuzz/%.c,%,$(FUZZ_SRC))
FUZZ_BINS := $(addprefix $(FUZZ_BUILD)/,$(FUZZ_NAMES))
# The pool manager takes no outside input worth fuzzing here (its tests drive it); its
# folder's settings and log are linked (the request layer logs). The request double
# (tests/support/) drives fuzz_request.
FUZZ_LIB_SRC := $(filter-out fcgi-pool/pool%.c,$(POOL_SRC)) fcgi-pool/pool_responses.c $(HTTP_SRC) \
	$(CONTRACT_SRC) $(BACKEND_SRC) $(FRONTEND_SRC) $(wildcard tests/support/*.c)
FUZZ_LIB_OBJ := $(patsubst %.c,$(FUZZ_BUILD)/obj/%.o,$(FUZZ_LIB_SRC))

$(FUZZ_BUILD)/obj/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	@echo "  CC(fuzz) $<"; $(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_BUILD)/libfuzzed.a: $(FUZZ_LIB_OBJ)
	@rm -f $@ && ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/obj/fuzz/fuzz_%.o $(FUZZ_BUILD)/libfuzzed.a
	$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $@ $^ $(LIBS_ALL)

.PHONY: fuzz-build fuzz fuzz-smoke
fuzz-build: $(FUZZ_BINS)

# Run each target: $(1) seconds, reading seeds and regressions, writing new inputs
# outside the tree. Regressions are replayed first so a known crash fails fast.
define fuzz_run
	@set -e; mkdir -p $(FUZZ_BUILD)/crashes; for n in $(FUZZ_NAMES); do \
		mkdir -p $(FUZZ_BUILD)/corpus/$$n fuzz/corpus/$$n; \
		if [ -d fuzz/regressions/$$n ]; then \
			ASAN_OPTIONS=detect_leaks=1 $(FUZZ_BUILD)/$$n -runs=0 fuzz/regressions/$$n 2>&1 | tail -n 1; \
		fi; \
		echo "-- $$n ($(1) s)"; \
		ASAN_OPTIONS=detect_leaks=1 $(FUZZ_BUILD)/$$n -max_total_time=$(1) -timeout=10 \
			-rss_limit_mb=1024 -max_len=4096 -print_final_stats=1 \
			-artifact_prefix=$(FUZZ_BUILD)/crashes/$$n- \
			$(FUZZ_BUILD)/corpus/$$n fuzz/corpus/$$n 2>&1 \
			| grep -E '^(stat::number_of_executed_units|stat::new_units_added|==|SUMMARY|INFO: Seed)' \
			| sed "s/^/   /"; \
		[ "$${PIPESTATUS[0]}" = 0 ] || { echo "fuzz: $$n FAILED (input in $(FUZZ_BUILD)/crashes/)"; exit 1; }; \
	done
endef

fuzz: fuzz-build ## run every fuzz target for FUZZ_TIME seconds (default 60)
	$(call fuzz_run,$(FUZZ_TIME))
fuzz-smoke: fuzz-build
	$(call fuzz_run,$(FUZZ_SMOKE_TIME))
TEST_STEPS += fuzz-smoke
.SECONDARY: $(patsubst fuzz/%.c,$(FUZZ_BUILD)/obj/fuzz/%.o,$(FUZZ_SRC))
