# Both environments of the one root configuration against a mocked AWS provider. test:
# a disposable single-AZ database that is still private, encrypted and TLS-only; the VM
# exists and reaches it; images come from production's registry. production: a
# Multi-AZ database with deletion protection and a final snapshot, private and
# TLS-only, reached only by the cluster's nodes; no test VM; the registry lives here.
# Each variable's validation rejects a bad value.

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
  environment       = "test"
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
  assert {
    condition     = output.db_app_username == "users" && output.db_app_username != output.db_username
    error_message = "the pools' user (the VM's and the chart's) is users, not the master"
  }
}

run "production_database" {
  command = plan
  variables {
    environment       = "production"
    vm_ssh_public_key = null
  }

  assert {
    condition     = module.platform.db_protection.multi_az == true
    error_message = "the production database must be Multi-AZ"
  }
  assert {
    condition     = module.platform.db_protection.deletion_protection && module.platform.db_protection.final_snapshot
    error_message = "the production database has deletion protection and a final snapshot"
  }
  assert {
    condition     = module.platform.db_protection.publicly_accessible == false && module.platform.db_protection.storage_encrypted && module.platform.db_protection.require_tls
    error_message = "the production database is private, encrypted and TLS-only"
  }
  assert {
    condition     = module.platform.db_protection.backup_days >= 7
    error_message = "at least a week of point-in-time recovery"
  }
  assert {
    condition     = module.platform.db_allowed_security_groups == tolist(["eks-nodes"])
    error_message = "only the cluster's nodes reach the production database"
  }
}

run "production_layout" {
  command = plan
  variables {
    environment       = "production"
    vm_ssh_public_key = null
  }

  assert {
    condition     = output.vm_public_ip == null && output.environment == "production" && output.vm_deploy_policy_arn == null
    error_message = "production has no test VM (and no VM deploy policy)"
  }
  assert {
    condition     = output.db_app_username == "users"
    error_message = "production's pools log in as users too (the chart's database.user)"
  }
  assert {
    condition     = tolist(keys(output.image_repositories)) == tolist(["backend", "frontend"]) && output.image_repositories.backend == "fcgi-users/backend"
    error_message = "the registry for both images lives in production, named as the chart expects"
  }
}

run "rejects_unknown_environment" {
  command = plan
  variables {
    environment = "staging"
  }
  expect_failures = [var.environment]
}

run "rejects_test_without_vm_key" {
  command = plan
  variables {
    vm_ssh_public_key = null
  }
  expect_failures = [var.vm_ssh_public_key]
}

run "rejects_bad_region" {
  command = plan
  variables {
    region = "Ireland"
  }
  expect_failures = [var.region]
}

run "rejects_bad_region_shape" {
  command = plan
  variables {
    region = "eu-west"
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

run "rejects_no_admin_cidrs" {
  command = plan
  variables {
    environment       = "production"
    vm_ssh_public_key = null
    admin_cidrs       = []
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

run "rejects_short_account_in_arn" {
  command = plan
  variables {
    cluster_admin_principal_arns = ["arn:aws:iam::123:role/x"]
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
