# Kubernetes: the Helm chart (helm/fcgi-users) and the container images (images/).
#   make helm-check       lint, template, schema-validate, nginx -t and route the chart (make test)
#   make images-check     Dockerfiles vs make install, ldd and the chart (make test)
#   make helm-pools-check the built pools run with the chart's env, probes, migration Job, SIGQUIT (make test)
#   make images           build the two images with Docker (not here: no Docker engine)
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
DOCKER ?= docker

.PHONY: helm-check images-check images helm-readme helm-schema
helm-check: ## Helm chart: lint, template, validate, schema, keepalive, nginx -t + routing
	@HELM=.tools/bin/helm RUN_DIR=$(HELM_RUN_DIR) PORT=$(HELM_PORT) tests/helm/check.sh

images-check: all ## Dockerfiles: consistent with make install, ldd and the chart
	@RUN_DIR=$(HELM_RUN_DIR) tests/helm/images-check.sh

images: ## build images/backend.Dockerfile and images/frontend.Dockerfile (needs a Docker engine)
	@if ! command -v $(DOCKER) >/dev/null 2>&1 || ! $(DOCKER) info >/dev/null 2>&1; then \
		echo "make images: no Docker engine reachable ('$(DOCKER) info' fails): the images cannot be built on this machine." >&2; \
		echo "make images: run it where Docker runs (CI's image stage), e.g. make images IMAGE_REGISTRY=<registry> IMAGE_TAG=<tag>" >&2; \
		exit 1; \
	fi
	$(DOCKER) build -f images/backend.Dockerfile -t $(IMAGE_REGISTRY)/backend:$(IMAGE_TAG) .
	$(DOCKER) build -f images/frontend.Dockerfile -t $(IMAGE_REGISTRY)/frontend:$(IMAGE_TAG) .

helm-schema: ## regenerate helm/fcgi-users/values.schema.json from tests/helm/gen-schema.py
	python3 tests/helm/gen-schema.py

helm-readme: ## regenerate the values table of helm/fcgi-users/README.md
	node tests/helm/values-table.mjs --write

TEST_STEPS += helm-check images-check

.PHONY: helm-pools-check
helm-pools-check: all ## the real pools run with the chart's settings, probes and STOPSIGNAL
	@HELM=.tools/bin/helm RUN_DIR=$(HELM_RUN_DIR) PORT=$(HELM_PORT) tests/helm/pools-check.sh
TEST_STEPS += helm-pools-check

RELEASE ?= fcgi-users
NAMESPACE ?= fcgi-users
HELM_VALUES ?= helm/fcgi-users/values-production.yaml
HELM_ARGS ?=

.PHONY: helm-package helm-deploy
helm-package: ## package the chart into dist/ (after linting it)
	@mkdir -p dist
	.tools/bin/helm lint --strict helm/fcgi-users
	.tools/bin/helm package helm/fcgi-users -d dist

helm-deploy: ## helm upgrade --install RELEASE into NAMESPACE with HELM_VALUES + HELM_ARGS, then helm test
	@if [[ -z "$${KUBECONFIG:-}" && ! -f "$${HOME:-/nonexistent}/.kube/config" ]]; then \
		echo "make helm-deploy: no cluster configured (set KUBECONFIG, e.g. aws eks update-kubeconfig --name <cluster>)" >&2; \
		exit 1; \
	fi
	.tools/bin/helm upgrade --install $(RELEASE) helm/fcgi-users -n $(NAMESPACE) --create-namespace \
		-f $(HELM_VALUES) $(HELM_ARGS) --wait --timeout 10m --rollback-on-failure
	.tools/bin/helm test $(RELEASE) -n $(NAMESPACE) --logs
