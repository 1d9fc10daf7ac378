# The production environment against a mocked AWS provider: Multi-AZ database with
# deletion protection and a final snapshot, private and TLS-only; only the cluster's
# nodes reach it; no test VM; the registry lives here; each variable's validation
# rejects a bad value.

mock_provider "aws" {
  mock_data "aws_availability_zones" {
    defaults = {
      names = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    }
  }
  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
}

variables {
  admin_cidrs = ["203.0.113.0/24"]
}

run "production_database" {
  command = plan

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

  assert {
    condition     = output.vm_public_ip == null
    error_message = "production has no test VM"
  }
  assert {
    condition     = tolist(keys(output.image_repositories)) == tolist(["backend", "frontend"]) && output.image_repositories.backend == "fcgi-users/backend"
    error_message = "the registry for both images lives in production, named as the chart expects"
  }
}

run "rejects_bad_region" {
  command = plan
  variables {
    region = "eu-west"
  }
  expect_failures = [var.region]
}

run "rejects_bad_account_id" {
  command = plan
  variables {
    allowed_account_ids = ["12345678901x"]
  }
  expect_failures = [var.allowed_account_ids]
}

run "rejects_no_admin_cidrs" {
  command = plan
  variables {
    admin_cidrs = []
  }
  expect_failures = [var.admin_cidrs]
}

run "rejects_bad_admin_arn" {
  command = plan
  variables {
    cluster_admin_principal_arns = ["arn:aws:iam::123:role/x"]
  }
  expect_failures = [var.cluster_admin_principal_arns]
}
