# The delivery pipeline (Jenkinsfile): one make target per stage, so that what Jenkins
# runs is what a developer and CI run. The targets that need the cloud (images-push,
# deploy-vm, deploy-prod, verify-prod, rollback-prod) check what they need first and,
# when something is missing (no AWS credentials, no state backend, no SSH key ...),
# print every missing item and exit 2 before any network call. See docs/pipeline.md.
#   make jenkins-check      parse the Jenkinsfile: stages, make targets, credentials
#   make unit-junit / integration-junit   the Check tests, with JUnit XML in $(REPORTS)/junit
#   make smoke URL=...      smoke-test a running fcgi-users (default: the local stack)

REPORTS      ?= $(BUILD)/reports
DEPLOY_OUT   ?= $(REPORTS)/deploy
IMAGE_TAG    ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo dev)
DEPLOY_ENV   ?= production
URL          ?= http://127.0.0.1:$(PORT)
SMOKE_WAIT   ?= 30
PIPELINE_ENV = REPORTS=$(REPORTS) DEPLOY_OUT=$(DEPLOY_OUT) IMAGE_TAG=$(IMAGE_TAG) DEPLOY_ENV=$(DEPLOY_ENV)

.PHONY: agent-check pipeline-info jenkins-check unit-junit integration-junit junit smoke smoke-vm \
	images-push deploy-vm deploy-prod verify-prod rollback-prod

# The Jenkins agents run the image FCGI_USERS_AGENT_IMAGE names (Jenkinsfile): only
# by digest, so every build runs on the tools that were tested.
AGENT_IMAGE ?=
agent-check: ## the pipeline's agent image is pinned by digest (AGENT_IMAGE=name@sha256:...)
	@if [[ ! "$(AGENT_IMAGE)" =~ ^[a-z0-9.:/_-]+@sha256:[0-9a-f]{64}$$ ]]; then \
		echo "make agent-check: the agent image '$(AGENT_IMAGE)' is not pinned by digest (name@sha256:<64 hex>): set FCGI_USERS_AGENT_IMAGE in Jenkins (docs/pipeline.md)" >&2; exit 1; fi
	@echo "agent image: $(AGENT_IMAGE)"

pipeline-info: ## what the pipeline builds: commit, image tag, tool versions
	@echo "commit:    $$(git rev-parse HEAD 2>/dev/null || echo unknown)"
	@echo "image tag: $(IMAGE_TAG)"
	@for t in gcc make terraform helm kubectl ansible-playbook aws docker python3; do \
		v=$$( { $$t --version 2>/dev/null || $$t version 2>/dev/null; } | head -n 1); \
		printf '%-17s %s\n' "$$t:" "$${v:-not installed}"; done

# groovy (scripts/deps/90-pipeline.apt) needs JAVA_HOME; Debian's default-java link is
# missing when another JDK provides java, so take the one on PATH.
GROOVY_JAVA_HOME = $(or $(JAVA_HOME),$(shell j=$$(readlink -f "$$(command -v java)" 2>/dev/null) && [ -n "$$j" ] && dirname "$$(dirname "$$j")"))

jenkins-check: ## Jenkinsfile: Groovy syntax, required stages, make targets exist, no inline credentials; self-tests
	@if command -v groovy >/dev/null 2>&1; then \
		JAVA_HOME=$(GROOVY_JAVA_HOME) groovy scripts/jenkins-check.groovy Jenkinsfile || exit 1; \
		if JAVA_HOME=$(GROOVY_JAVA_HOME) groovy scripts/jenkins-check.groovy tests/jenkins/syntax-error.Jenkinsfile.txt; then \
			echo "jenkins-check: the Groovy check passed a file with a syntax error"; exit 1; fi; \
	else echo "SKIPPED: groovy not installed (make deps installs it): Jenkinsfile Groovy syntax not checked"; fi
	@python3 scripts/jenkins-check.py Jenkinsfile
	@PYTHONDONTWRITEBYTECODE=1 python3 tests/jenkins/test_jenkins_check.py
	@PYTHONDONTWRITEBYTECODE=1 python3 tests/jenkins/test_check2junit.py
	@PYTHONDONTWRITEBYTECODE=1 python3 tests/jenkins/test_deploy_prod.py
	@PYTHONDONTWRITEBYTECODE=1 python3 tests/jenkins/test_deploy_vm.py
	@make --no-print-directory agent-check AGENT_IMAGE=x/agent:latest >/dev/null 2>&1 && \
		{ echo "jenkins-check: agent-check accepted an image without a digest"; exit 1; } || true
	@make --no-print-directory agent-check AGENT_IMAGE=x/agent@sha256:$$(printf '0%.0s' $$(seq 64)) >/dev/null
TEST_STEPS += jenkins-check

# Check writes an XML log when CK_XML_LOG_FILE_NAME is set; each binary gets its own
# (scripts/pipeline/junit-run.sh), then scripts/check2junit.py makes one JUnit file.
unit-junit: unit-build ## the Check unit tests, with a JUnit report in $(REPORTS)/junit/unit.xml
	@rm -rf $(REPORTS)/check/unit; rc=0; \
	for t in $(UNIT_BINS); do echo "-- $$t"; \
		CK_DEFAULT_TIMEOUT=30 scripts/pipeline/junit-run.sh $(REPORTS)/check/unit $$t || rc=1; done; \
	python3 scripts/check2junit.py --name unit -o $(REPORTS)/junit/unit.xml \
		$(patsubst $(BUILD)/tests/unit/%,$(REPORTS)/check/unit/%.xml,$(UNIT_BINS)) || rc=1; \
	exit $$rc

# tests/integration/run.sh runs each argument as a command: give it one small wrapper
# per test binary that records its Check XML log.
integration-junit: integration-build ## the integration tests, with a JUnit report in $(REPORTS)/junit/integration.xml
	@rm -rf $(REPORTS)/check/integration $(REPORTS)/wrap; mkdir -p $(REPORTS)/wrap; \
	for t in $(INTEG_BINS); do w=$(REPORTS)/wrap/$$(basename $$t); \
		printf '#!/bin/sh\nexec scripts/pipeline/junit-run.sh %s %s "$$@"\n' \
			$(REPORTS)/check/integration $$t >$$w; chmod +x $$w; done; \
	rc=0; RUN_DIR=$(INTEGRATION_RUN_DIR) PORT=$(INTEGRATION_PORT) BUILD=$(BUILD) \
		DB_TCP_PORT=$(INTEGRATION_DB_TCP_PORT) DB_TLS=1 \
		LOG_FORMAT=$(INTEGRATION_LOG_FORMAT) NGINX_LOG_FORMAT=$(INTEGRATION_LOG_FORMAT) \
		tests/integration/run.sh $(patsubst $(BUILD)/tests/integration/%,$(REPORTS)/wrap/%,$(INTEG_BINS)) || rc=1; \
	python3 scripts/check2junit.py --name integration -o $(REPORTS)/junit/integration.xml \
		$(patsubst $(BUILD)/tests/integration/%,$(REPORTS)/check/integration/%.xml,$(INTEG_BINS)) || rc=1; \
	exit $$rc

junit: ## unit-junit and integration-junit
	@rc=0; $(MAKE) --no-print-directory unit-junit || rc=1; \
	$(MAKE) --no-print-directory integration-junit || rc=1; exit $$rc

smoke: ## smoke-test fcgi-users at URL (default: the local stack, http://127.0.0.1:$(PORT))
	@python3 scripts/pipeline/smoke.py --wait $(SMOKE_WAIT) $(URL)

smoke-vm: ## smoke-test the test VM that deploy-vm deployed (its URL is in $(DEPLOY_OUT)/vm-url)
	@if [[ ! -s $(DEPLOY_OUT)/vm-url ]]; then \
		echo "make smoke-vm: no $(DEPLOY_OUT)/vm-url: run make deploy-vm first (or make smoke URL=...)" >&2; exit 2; fi
	@python3 scripts/pipeline/smoke.py --wait $(SMOKE_WAIT) "$$(cat $(DEPLOY_OUT)/vm-url)"

images-push: ## build both images (make images) tagged IMAGE_TAG and push them to the ECR registry
	@$(PIPELINE_ENV) scripts/pipeline/images-push.sh

deploy-vm: ## deploy the .deb (make deb) to the test VM with Ansible; inventory from Terraform's outputs
	@$(PIPELINE_ENV) scripts/pipeline/deploy-vm.sh

deploy-prod: ## helm upgrade --install --atomic --wait at IMAGE_TAG into DEPLOY_ENV's cluster
	@$(PIPELINE_ENV) scripts/pipeline/deploy-prod.sh deploy

verify-prod: ## helm test of the release in DEPLOY_ENV's cluster
	@$(PIPELINE_ENV) scripts/pipeline/deploy-prod.sh test

rollback-prod: ## helm rollback of the release in DEPLOY_ENV's cluster to its previous revision
	@$(PIPELINE_ENV) scripts/pipeline/deploy-prod.sh rollback
