# Terraform (terraform/): the AWS resources of the test and production environments.
# `make tf-check` is the offline gate: fmt -check, then init -backend=false, validate
# and `terraform test` (mocked AWS provider) in every module and in envs/ (the one root
# configuration of both environments); it prints
# SKIPPED when terraform is not installed. See terraform/README.md.

.PHONY: tf-check tf-fmt tf-outputs
tf-check: ## Terraform: fmt -check, validate and terraform test (mocked AWS) of every module and env
	@terraform/check.sh

tf-fmt: ## rewrite the Terraform files in canonical format
	terraform fmt -recursive terraform

TF_ENV ?= test
tf-outputs: ## print an environment's outputs as JSON (needs its S3 state: TF_ENV=test|production)
	@. scripts/pipeline/lib.sh && tf_outputs $(TF_ENV) .run/tf-outputs-$(TF_ENV).json && \
		cat .run/tf-outputs-$(TF_ENV).json

TEST_STEPS += tf-check
