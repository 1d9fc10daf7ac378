# Observability (issue 16): the Prometheus rules every place ships, and the checks
# that a real Prometheus can use what the pools and nginx expose.
#   make prometheus-check        promtool check + test rules (prometheus/tests/), and the
#                                chart's copy (files/prometheus/) equals the source (make test)
#   make prometheus-chart-files  copy prometheus/fcgi-users.rules.yml into the chart
#   make metrics-check           a real Prometheus scrapes the pools and nginx under load,
#                                and one request id is on every log line (make test)
# promtool comes with Debian's prometheus package (scripts/deps/58-observability.apt).

.PHONY: prometheus-check prometheus-chart-files
prometheus-check: ## promtool: the alert/recording rules check and pass their tests; the chart's copy is in step
	@tests/prometheus/rules-check.sh

prometheus-chart-files: ## copy prometheus/fcgi-users.rules.yml into the chart (files/prometheus/)
	@mkdir -p helm/fcgi-users/files/prometheus
	cp prometheus/fcgi-users.rules.yml helm/fcgi-users/files/prometheus/fcgi-users.rules.yml
TEST_STEPS += prometheus-check

.PHONY: metrics-check
metrics-check: all ## a real Prometheus scrapes both pools' /metrics and nginx's exporter under load; one request id end to end
	@RUN_DIR=.run/test-metrics PORT=18160 tests/prometheus/scrape-check.sh
TEST_STEPS += metrics-check
