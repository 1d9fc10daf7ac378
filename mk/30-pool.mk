# Pool manager: the test application and the pool's integration tests (tests/pool/).
# `make pool-test` starts pools of tests/pool/pool_app on unix sockets (and
# 127.0.0.1:18200-18299) in a temporary directory, talks FastCGI to them, and checks
# processes, signals and the status page. `make pool-test-san` does it under ASan+UBSan.

POOL_TEST_DIR := $(BUILD)/tests/pool

$(POOL_TEST_DIR)/pool_app: $(call obj,tests/pool/pool_app.c) $(LIB_POOL)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS_ALL)

$(POOL_TEST_DIR)/test_pool: $(call obj,tests/pool/test_pool.c tests/pool/fcgi_client.c) $(LIB_POOL)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS_ALL) $(CHECK_LIBS)

.PHONY: pool-build pool-test pool-test-san
pool-build: $(POOL_TEST_DIR)/pool_app $(if $(wildcard tests/pool/test_pool.c),$(POOL_TEST_DIR)/test_pool)
pool-test: pool-build ## the pool manager's integration tests
	POOL_APP=$(POOL_TEST_DIR)/pool_app CK_DEFAULT_TIMEOUT=60 \
		timeout 300 $(POOL_TEST_DIR)/test_pool
pool-test-san: ## the same under ASan + UBSan
	@$(MAKE) --no-print-directory SAN=1 pool-test
TEST_STEPS += pool-test pool-test-san
