# make bench: the load benchmark (bench/run.sh): ours against the ceiling and the peers
# (Flask under gunicorn, PHP under php-fpm) in one run; the report goes to
# bench/report.md. `make bench QUICK=1` is a short run. Not part of `make test`: speed is
# measured here, never asserted by tests. See docs/benchmarks.md.
CEILING_BIN := $(BUILD)/bench/fcgi_static

$(CEILING_BIN): bench/ceiling/fcgi_static.c | $(BUILD)/.dir
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_WARN) $(CFLAGS_OPT) $(CFLAGS_HARDEN) -D_GNU_SOURCE $(CFLAGS) \
		$(ALL_LDFLAGS) -o $@ $< -lfcgi

.PHONY: bench bench-build
bench-build: all $(CEILING_BIN)
bench: deps bench-build ## benchmark ours vs the ceiling and the peers (QUICK=1: short)
	@scripts/traversable.sh
	@QUICK=$(QUICK) bench/run.sh

# make bench-check (part of make test): the peers answer the same bytes and statuses as
# ours, so the benchmark compares like with like. Starts and stops its own stack.
.PHONY: bench-check
bench-check: bench-build ## the benchmark's peers answer exactly as ours does
	@bench/check.sh
TEST_STEPS += bench-check
