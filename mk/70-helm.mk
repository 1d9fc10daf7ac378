# Kubernetes: the Helm chart (helm/fcgi-users) and the container images (images/).
#   make helm-check       lint, template, schema-validate, nginx -t and route the chart (make test)
#   make images-check     Dockerfiles vs make install, ldd and the chart (make test)
#   make helm-pools-check the built pools run with the chart's env, probes, migration Job, SIGQUIT (make test)
#   make images           build the two images with the project's rootful podman (BASE_IMAGE= a registry's base)
#   make kube-play-check  the chart's pods run under podman kube play against MariaDB/TLS (make test)
#   make helm-package     package the chart into dist/ (CI's artifact)
#   make helm-deploy      helm upgrade --install + helm test (needs a cluster: KUBECONFIG)
#   make helm-schema      regenerate values.schema.json (tests/helm/gen-schema.py)
#   make helm-readme      regenerate the chart README's table of values
# The chart's copy of nginx/'s shared files (files/nginx/) is written by
# `make nginx-chart-files` (mk/50-nginx.mk). helm and the Node modules come from
# scripts/deps/70-helm.sh (under .tools/).

HELM_RUN_DIR ?= .run/test-helm
HELM_PORT ?= 18098
IMAGE_REGISTRY ?= fcgi-users
IMAGE_TAG ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
BASE_IMAGE ?=

.PHONY: helm-check images-check images helm-readme helm-schema
helm-check: ## Helm chart: lint, template, validate, schema, keepalive, nginx -t + routing
	@HELM=.tools/bin/helm RUN_DIR=$(HELM_RUN_DIR) PORT=$(HELM_PORT) tests/helm/check.sh

images-check: all ## Dockerfiles: consistent with make install, ldd and the chart
	@RUN_DIR=$(HELM_RUN_DIR) tests/helm/images-check.sh

images: ## build both images with rootful podman (config and storage under .run/podman; BASE_IMAGE=debian:12-slim@sha256:… with a registry)
	@IMAGE_REGISTRY=$(IMAGE_REGISTRY) IMAGE_TAG=$(IMAGE_TAG) BASE_IMAGE=$(BASE_IMAGE) scripts/images/build.sh

helm-schema: ## regenerate helm/fcgi-users/values.schema.json from tests/helm/gen-schema.py
	python3 tests/helm/gen-schema.py

helm-readme: ## regenerate the values table of helm/fcgi-users/README.md
	node tests/helm/values-table.mjs --write

TEST_STEPS += helm-check images-check

.PHONY: helm-pools-check
helm-pools-check: all ## the real pools run with the chart's settings, probes and STOPSIGNAL
	@HELM=.tools/bin/helm RUN_DIR=$(HELM_RUN_DIR) PORT=$(HELM_PORT) tests/helm/pools-check.sh
TEST_STEPS += helm-pools-check

.PHONY: kube-play-check
kube-play-check: ## runs the chart's pods with podman kube play: images built, migration, smoke, helm test, graceful pod stop
	@HELM=.tools/bin/helm RUN_DIR=.run/test-kube tests/helm/kube-play-check.sh
TEST_STEPS += kube-play-check

RELEASE ?= fcgi-users
NAMESPACE ?= fcgi-users
HELM_VALUES ?= helm/fcgi-users/values-production.yaml
HELM_ARGS ?=

.PHONY: helm-package helm-deploy
helm-package: ## package the chart into dist/ (after linting it)
	@mkdir -p dist
	.tools/bin/helm lint --strict helm/fcgi-users -f tests/helm/secrets-values.yaml
	.tools/bin/helm package helm/fcgi-users -d dist

helm-deploy: ## helm upgrade --install RELEASE into NAMESPACE with HELM_VALUES + HELM_ARGS, then helm test
	@if [[ -z "$${KUBECONFIG:-}" && ! -f "$${HOME:-/nonexistent}/.kube/config" ]]; then \
		echo "make helm-deploy: no cluster configured (set KUBECONFIG, e.g. aws eks update-kubeconfig --name <cluster>)" >&2; \
		exit 1; \
	fi
	.tools/bin/helm upgrade --install $(RELEASE) helm/fcgi-users -n $(NAMESPACE) --create-namespace \
		-f $(HELM_VALUES) $(HELM_ARGS) --wait --timeout 10m --rollback-on-failure
	.tools/bin/helm test $(RELEASE) -n $(NAMESPACE) --logs
