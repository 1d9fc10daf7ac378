# nginx front (nginx/): render and check the configuration for every place, and test
# the routes over HTTP. nginx/render.sh is the one way a configuration is made.
#   make nginx-check        every rendered variant passes `nginx -t`; the keep-alive
#                           rule; bad options refused; the chart's copy is current
#   make nginx-routes       routes, headers, 403/413/502, options, against nginx in
#                           front of two test responders, then the integration stack
#   make nginx-chart-files  copy the shared files into the Helm chart
#   make nginx-conf         render the local config to stdout (PORT, RUN_DIR)
# Ports: the route tests use 127.0.0.1:$(NGINX_TEST_PORT) and $(NGINX_TEST_RUN).

NGINX_TEST_RUN  ?= .run/test-nginx
NGINX_TEST_PORT ?= 18095
FCGI_ECHO := $(BUILD)/tests/nginx/fcgi_echo

$(FCGI_ECHO): tests/nginx/fcgi_echo.c | $(BUILD)/.dir
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_WARN) $(CFLAGS_OPT) $(CFLAGS_HARDEN) -D_GNU_SOURCE $(ALL_LDFLAGS) -o $@ $< -lfcgi

.PHONY: nginx-check nginx-routes nginx-chart-files nginx-conf
nginx-check: ## nginx -t on every rendered variant, keep-alive rule, chart copy
	@tests/nginx/check-render.sh

nginx-routes: $(FCGI_ECHO) build/gen/static_assets.h ## nginx routes, headers and limits over HTTP
	@RUN_DIR=$(NGINX_TEST_RUN)/echo PORT=$(NGINX_TEST_PORT) FCGI_ECHO=$(FCGI_ECHO) tests/nginx/routes.sh echo
	@RUN_DIR=$(NGINX_TEST_RUN) PORT=$(NGINX_TEST_PORT) tests/nginx/routes.sh stack

nginx-chart-files: ## copy nginx/'s shared files into helm/fcgi-users/files/nginx
	nginx/render.sh chart --chart-files helm/fcgi-users/files/nginx

nginx-conf:
	@nginx/render.sh local --listen 127.0.0.1:$(PORT) --prefix $(or $(RUN_DIR),.run)

TEST_STEPS += nginx-check nginx-routes
