# The test environment against a mocked AWS provider: a disposable single-AZ database
# that is still private, encrypted and TLS-only; the VM exists and reaches it; each
# variable's validation rejects a bad value.

mock_provider "aws" {
  mock_data "aws_availability_zones" {
    defaults = {
      names = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    }
  }
  mock_data "aws_ami" {
    defaults = {
      id = "ami-0debian12"
    }
  }
  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
}

variables {
  admin_cidrs       = ["203.0.113.0/24"]
  vm_ssh_public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJx jenkins@ci"
}

run "test_environment" {
  command = plan

  assert {
    condition     = module.platform.db_protection.multi_az == false && module.platform.db_protection.deletion_protection == false
    error_message = "the test database is single-AZ and disposable"
  }
  assert {
    condition     = module.platform.db_protection.publicly_accessible == false && module.platform.db_protection.storage_encrypted && module.platform.db_protection.require_tls
    error_message = "the test database is still private, encrypted and TLS-only"
  }
  assert {
    condition     = module.platform.db_allowed_security_groups == tolist(["eks-nodes", "test-vm"])
    error_message = "the cluster's nodes and the VM reach the database"
  }
  assert {
    condition     = output.registry == null && output.environment == "test"
    error_message = "the test environment pulls from production's registry"
  }
  assert {
    condition     = output.region == "eu-west-1"
    error_message = "region output for the pipeline"
  }
}

run "rejects_bad_region" {
  command = plan
  variables {
    region = "Ireland"
  }
  expect_failures = [var.region]
}

run "rejects_bad_account_id" {
  command = plan
  variables {
    allowed_account_ids = ["1234"]
  }
  expect_failures = [var.allowed_account_ids]
}

run "rejects_internet_as_admin" {
  command = plan
  variables {
    admin_cidrs = ["0.0.0.0/0"]
  }
  expect_failures = [var.admin_cidrs]
}

run "rejects_bad_admin_arn" {
  command = plan
  variables {
    cluster_admin_principal_arns = ["jenkins"]
  }
  expect_failures = [var.cluster_admin_principal_arns]
}

run "rejects_bad_ssh_key" {
  command = plan
  variables {
    vm_ssh_public_key = "hunter2"
  }
  expect_failures = [var.vm_ssh_public_key]
}
