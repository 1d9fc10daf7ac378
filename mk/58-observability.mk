# Observability (issue 16): the Prometheus rules every place ships, and the checks
# that a real Prometheus can use what the pools and nginx expose.
#   make prometheus-check        promtool check + test rules (prometheus/tests/), and the
#                                chart's copy (files/prometheus/) equals the source (make test)
#   make prometheus-chart-files  copy prometheus/fcgi-users.rules.yml into the chart
# promtool comes with Debian's prometheus package (scripts/deps/58-observability.apt).

.PHONY: prometheus-check prometheus-chart-files
prometheus-check: ## promtool: the alert/recording rules check and pass their tests; the chart's copy is in step
	@tests/prometheus/rules-check.sh

prometheus-chart-files: ## copy prometheus/fcgi-users.rules.yml into the chart (files/prometheus/)
	@mkdir -p helm/fcgi-users/files/prometheus
	cp prometheus/fcgi-users.rules.yml helm/fcgi-users/files/prometheus/fcgi-users.rules.yml
TEST_STEPS += prometheus-check
