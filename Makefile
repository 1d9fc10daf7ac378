# fcgi-users — the one entry point.
# Targets (see README.md and ../shared/DESIGN.md): all deps run start stop test migrate
# bench lint fuzz install clean, plus the per-part checks that `make test` runs.
# Each part keeps its rules in mk/NN-part.mk; they are read in NN order, and each
# appends the checks it owns to TEST_STEPS, which `make test` runs in that order.

.DEFAULT_GOAL := all
SHELL := /bin/bash

PREFIX  ?= /usr/local
DESTDIR ?=
PORT    ?= 8080
BUILD   ?= build

TEST_STEPS :=

include $(sort $(wildcard mk/*.mk))

.PHONY: deps
deps: ## install the missing Debian packages and tools (idempotent)
	@scripts/deps.sh

.PHONY: test
test: deps ## everything CI runs; ends with one summary line
	@scripts/test.sh $(TEST_STEPS)

.PHONY: help
help:
	@grep -hE '^[a-z][a-z0-9_-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | sort
