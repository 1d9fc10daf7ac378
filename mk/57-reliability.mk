# Reliability: faults under load (`make soak`: tests/soak/, a stack on RUN_DIR
# .run/test-soak, PORT 18092; about 55 s) and a valgrind pass of both pools through
# the API and pages integration tests and the hostile-HTTP suite (`make valgrind`:
# tests/valgrind/, .run/test-valgrind, PORT 18093; about 25 s). Both stop everything
# they start, even on failure.

SOAK_BIN := $(BUILD)/tests/soak/soak
SOAK_RUN_DIR ?= .run/test-soak
SOAK_PORT ?= 18092
VALGRIND_RUN_DIR ?= .run/test-valgrind
VALGRIND_PORT ?= 18093

$(SOAK_BIN): $(call obj,tests/soak/soak.c)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS_ALL) -lpthread

LEAKY_BIN := $(BUILD)/tests/valgrind/leaky
$(LEAKY_BIN): tests/valgrind/leaky.c
	@mkdir -p $(dir $@)
	$(CC) -std=c17 -O0 -g -o $@ $<

.PHONY: soak valgrind
soak: all $(SOAK_BIN) ## faults under load: kills, DB restart, reloads; nothing lost
	@RUN_DIR=$(SOAK_RUN_DIR) PORT=$(SOAK_PORT) tests/soak/run.sh $(BUILD)

VALGRIND_TESTS := $(addprefix $(BUILD)/tests/integration/,test_api_users test_pages test_hostile)
valgrind: all $(VALGRIND_TESTS) $(LEAKY_BIN) ## both pools under memcheck: API, pages and hostile tests, a reload
	@RUN_DIR=$(VALGRIND_RUN_DIR) PORT=$(VALGRIND_PORT) tests/valgrind/run.sh $(BUILD)

TEST_STEPS += soak valgrind
