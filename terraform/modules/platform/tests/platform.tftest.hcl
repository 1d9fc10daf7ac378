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
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
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

run "read_replica_and_proxy_pass_through" {
  command = plan
  variables {
    database = {
      read_replica      = true
      proxy             = true
      proxy_secret_arns = ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:users-app-AbCdEf"]
    }
  }
  override_resource {
    target          = module.database.aws_db_instance.replica
    override_during = plan
    values          = { address = "fcgi-users-test-replica.example.rds.amazonaws.com" }
  }
  override_resource {
    target          = module.database.aws_db_proxy.this
    override_during = plan
    values          = { endpoint = "fcgi-users-test-proxy.proxy-example.rds.amazonaws.com" }
  }
  override_resource {
    target          = module.database.aws_iam_role.proxy
    override_during = plan
    values          = { arn = "arn:aws:iam::123456789012:role/fcgi-users-test-rds-proxy" }
  }
  assert {
    condition     = output.db_replica_endpoint == "fcgi-users-test-replica.example.rds.amazonaws.com"
    error_message = "the replica's address is an output of the environment"
  }
  assert {
    condition     = output.db_proxy_endpoint == "fcgi-users-test-proxy.proxy-example.rds.amazonaws.com"
    error_message = "the proxy's address is an output of the environment"
  }
}

run "no_replica_no_proxy_by_default" {
  command = plan
  assert {
    condition     = output.db_replica_endpoint == null && output.db_proxy_endpoint == null
    error_message = "no replica and no proxy unless asked for"
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
