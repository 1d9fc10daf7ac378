# Backend: the local stack (scripts/stack.sh), migrations, and the integration tests
# against a real MariaDB, both pools and nginx (tests/integration/, one test stack on
# RUN_DIR=.run/test PORT=18090, stopped even when a test fails).

RUN_DIR ?= .run
INTEGRATION_RUN_DIR ?= .run/test
INTEGRATION_PORT ?= 18090
# MariaDB of the test stack also on 127.0.0.1:this port, with TLS (tests of TCP and
# ssl-mode settings).
INTEGRATION_DB_TCP_PORT ?= 18091

.PHONY: run start stop status migrate integration integration-build

run: deps ## the whole local stack in the foreground (Ctrl-C stops it)
	@$(MAKE) --no-print-directory all
	@RUN_DIR=$(RUN_DIR) PORT=$(PORT) scripts/stack.sh run

start: deps ## start the local stack in the background; returns once it answers
	@$(MAKE) --no-print-directory all
	@RUN_DIR=$(RUN_DIR) PORT=$(PORT) scripts/stack.sh start

stop: ## stop the local stack
	@RUN_DIR=$(RUN_DIR) PORT=$(PORT) scripts/stack.sh stop

status: ## what of the local stack is running
	@RUN_DIR=$(RUN_DIR) PORT=$(PORT) scripts/stack.sh status

# With DATABASE_URI set: migrate that database; without: the local stack's.
migrate: $(BUILD)/fcgi-backend ## apply sql/ migrations to $DATABASE_URI
	@if [ -n "$$DATABASE_URI" ]; then MIGRATIONS_DIR=sql $(BUILD)/fcgi-backend migrate; \
	else RUN_DIR=$(RUN_DIR) PORT=$(PORT) scripts/stack.sh migrate; fi

INTEG_SRC  := $(wildcard tests/integration/test_*.c)
INTEG_BINS := $(patsubst tests/integration/%.c,$(BUILD)/tests/integration/%,$(INTEG_SRC))
INTEG_HARNESS := $(call obj,tests/integration/harness.c)

$(INTEG_HARNESS) $(call obj,$(INTEG_SRC)): tests/integration/harness.h

$(BUILD)/tests/integration/%: $(call obj,tests/integration/%.c) $(INTEG_HARNESS) $(LIB_BACKEND) $(LIB_SHARED)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS_ALL) $(CHECK_LIBS)

integration-build: all $(INTEG_BINS)

# The pools and nginx log JSON during the integration and hostile suites, and run.sh
# checks that every line they wrote parses with jq (INTEGRATION_LOG_FORMAT=text: not).
INTEGRATION_LOG_FORMAT ?= json
integration: integration-build ## API tests against a real stack (.run/test, port 18090)
	@RUN_DIR=$(INTEGRATION_RUN_DIR) PORT=$(INTEGRATION_PORT) BUILD=$(BUILD) \
		LOG_FORMAT=$(INTEGRATION_LOG_FORMAT) NGINX_LOG_FORMAT=$(INTEGRATION_LOG_FORMAT) \
		DB_TCP_PORT=$(INTEGRATION_DB_TCP_PORT) DB_TLS=1 \
		tests/integration/run.sh $(INTEG_BINS)

TEST_STEPS += integration
