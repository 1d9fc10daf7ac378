# Terraform (terraform/): the AWS resources of the test and production environments.
# `make tf-check` is the offline gate: fmt -check, then init -backend=false, validate
# and `terraform test` (mocked AWS provider) in every module and environment; it prints
# SKIPPED when terraform is not installed. See terraform/README.md.

.PHONY: tf-check tf-fmt tf-outputs
tf-check: ## Terraform: fmt -check, validate and terraform test (mocked AWS) of every module and env
	@terraform/check.sh

tf-fmt: ## rewrite the Terraform files in canonical format
	terraform fmt -recursive terraform

TF_ENV ?= test
tf-outputs: ## print an environment's outputs as JSON (needs its S3 state: TF_ENV=test|production)
	@terraform -chdir=terraform/envs/$(TF_ENV) output -json

TEST_STEPS += tf-check
