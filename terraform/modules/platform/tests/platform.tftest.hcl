# The whole environment against a mocked AWS provider: the database admits exactly the
# cluster's nodes and the test VM, the VM and the registry appear only where asked,
# and each variable's validation rejects a bad value.

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
  environment = "test"
  test_vm = {
    allowed_cidrs  = ["203.0.113.0/24"]
    ssh_public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJx jenkins@ci"
  }
}

run "database_admits_nodes_and_vm_only" {
  command = plan

  assert {
    condition     = output.db_allowed_security_groups == tolist(["eks-nodes", "test-vm"])
    error_message = "the database admits the cluster's nodes and the test VM, nothing else"
  }
  assert {
    condition     = output.db_protection.publicly_accessible == false && output.db_protection.storage_encrypted && output.db_protection.require_tls
    error_message = "the database is private, encrypted and requires TLS"
  }
  assert {
    condition     = length(module.test_vm) == 1 && output.registry == null
    error_message = "this environment has a test VM and no registry"
  }
  assert {
    condition     = module.eks.cluster_name == "fcgi-users-test"
    error_message = "resources are named <project>-<environment>"
  }
}

run "no_vm_means_nodes_only" {
  command = plan
  variables {
    environment     = "production"
    test_vm         = null
    create_registry = true
  }
  assert {
    condition     = output.db_allowed_security_groups == tolist(["eks-nodes"])
    error_message = "without a test VM only the cluster's nodes reach the database"
  }
  assert {
    condition     = length(module.test_vm) == 0 && length(module.registry) == 1
    error_message = "no VM; the registry exists"
  }
  assert {
    condition     = tolist(keys(output.image_repositories)) == tolist(["backend", "frontend"])
    error_message = "one repository per image"
  }
}

run "rejects_bad_project" {
  command = plan
  variables {
    project = "FCGI"
  }
  expect_failures = [var.project]
}

run "rejects_unknown_environment" {
  command = plan
  variables {
    environment = "staging"
  }
  expect_failures = [var.environment]
}

run "rejects_bad_network" {
  command = plan
  variables {
    network = { cidr_block = "10.0.0.0" }
  }
  expect_failures = [var.network]
}

run "rejects_bad_node_sizes" {
  command = plan
  variables {
    cluster = { node_min_size = 3, node_max_size = 2 }
  }
  expect_failures = [var.cluster]
}

run "rejects_open_cluster_endpoint" {
  command = plan
  variables {
    cluster = { public_access_cidrs = ["0.0.0.0/0"] }
  }
  expect_failures = [var.cluster]
}

run "rejects_no_backups" {
  command = plan
  variables {
    database = { backup_retention_days = 0 }
  }
  expect_failures = [var.database]
}

run "rejects_storage_ceiling_below_size" {
  command = plan
  variables {
    database = { allocated_storage = 100, max_allocated_storage = 50 }
  }
  expect_failures = [var.database]
}

run "rejects_vm_open_to_internet" {
  command = plan
  variables {
    test_vm = {
      allowed_cidrs  = ["0.0.0.0/0"]
      ssh_public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJx jenkins@ci"
    }
  }
  expect_failures = [var.test_vm]
}

run "rejects_aws_tag" {
  command = plan
  variables {
    tags = { "aws:x" = "y" }
  }
  expect_failures = [var.tags]
}
