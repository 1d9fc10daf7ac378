# State lives in S3, one key per environment, locked with S3's native lock file
# (use_lockfile, Terraform >= 1.10): no DynamoDB table to create and pay for. The
# bucket, region and the environment's key are given at init:
# terraform init -backend-config=<env>.backend.hcl (see <env>.backend.hcl.example and
# terraform/README.md).
terraform {
  required_version = ">= 1.10"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.80, < 6.0"
    }
  }
  backend "s3" {
    encrypt      = true
    use_lockfile = true
  }
}
