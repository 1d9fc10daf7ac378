# The test VM module against a mocked AWS provider: Debian 12 image from the data
# source, IMDSv2 required, encrypted root volume, SSH and HTTP only from the allowed
# CIDRs, its deployer reads the two database secrets and nothing else; each variable's
# validation rejects a bad value.

mock_provider "aws" {
  mock_data "aws_ami" {
    defaults = {
      id   = "ami-0debian12"
      name = "debian-12-amd64-20250101-1234"
    }
  }
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
}

variables {
  name           = "fcgi-users-test"
  vpc_id         = "vpc-0a1b2c3d"
  vpc_cidr_block = "10.0.0.0/16"
  subnet_id      = "subnet-0a"
  allowed_cidrs  = ["203.0.113.0/24"]
  ssh_public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJx jenkins@ci"
}

# apply (against the mock) so that computed attributes are known to the runs after it.
run "debian_12_imdsv2_encrypted" {
  command = apply

  assert {
    condition     = aws_instance.this.ami == "ami-0debian12"
    error_message = "the VM boots the image the aws_ami data source found"
  }
  assert {
    condition     = tolist(data.aws_ami.debian.owners) == tolist(["136693071363"]) && anytrue([for f in data.aws_ami.debian.filter : f.name == "name" && contains(f.values, "debian-12-amd64-*")])
    error_message = "the image is Debian 12 from Debian's own account"
  }
  assert {
    condition     = aws_instance.this.metadata_options[0].http_tokens == "required"
    error_message = "IMDSv2 (session tokens) must be required"
  }
  assert {
    condition     = aws_instance.this.metadata_options[0].http_put_response_hop_limit == 1
    error_message = "metadata must not be reachable from containers on the VM (hop limit 1)"
  }
  assert {
    condition     = aws_instance.this.root_block_device[0].encrypted == true
    error_message = "the root volume must be encrypted"
  }
}

run "ssh_and_http_only_from_allowed_cidrs" {
  command = plan

  assert {
    condition     = length(aws_vpc_security_group_ingress_rule.this) == 2
    error_message = "exactly two ingress rules: SSH and HTTP"
  }
  assert {
    condition     = alltrue([for r in aws_vpc_security_group_ingress_rule.this : r.cidr_ipv4 == "203.0.113.0/24" && r.cidr_ipv6 == null])
    error_message = "ingress must come only from allowed_cidrs"
  }
  assert {
    condition     = toset([for r in aws_vpc_security_group_ingress_rule.this : r.from_port]) == toset([22, 80])
    error_message = "only ports 22 and 80 are open"
  }
  assert {
    condition     = alltrue([for r in aws_vpc_security_group_ingress_rule.this : r.from_port == r.to_port])
    error_message = "rules open single ports, not ranges"
  }
  assert {
    condition     = length(aws_security_group.this.ingress) == 0
    error_message = "the VM's security group has no inline rules"
  }
  assert {
    condition     = aws_vpc_security_group_egress_rule.mysql.cidr_ipv4 == "10.0.0.0/16"
    error_message = "the VM reaches MySQL only inside the VPC"
  }
}

run "several_allowed_cidrs" {
  command = plan
  variables {
    allowed_cidrs = ["203.0.113.0/24", "198.51.100.7/32"]
  }
  assert {
    condition     = length([for r in aws_vpc_security_group_ingress_rule.this : r if r.from_port == 22]) == 2
    error_message = "one SSH rule per allowed CIDR"
  }
}

# The deployer reads the master's secret (migration) and the pools' user's, nothing
# else and only reads. (That the VM has no instance profile is by construction: the
# mock provider invents a value for the computed iam_instance_profile, so a test
# cannot tell.)
run "deployer_reads_the_database_secrets_only" {
  command = plan
  variables {
    database_secret_arns = [
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1234-AbCdEf",
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:fcgi-users-test-app-user-1-GhIjKl",
    ]
  }
  assert {
    condition     = length(aws_iam_policy.deploy) == 1 && length(data.aws_iam_policy_document.deploy[0].statement) == 1
    error_message = "one deploy policy with one statement"
  }
  assert {
    condition     = data.aws_iam_policy_document.deploy[0].statement[0].actions == toset(["secretsmanager:GetSecretValue"])
    error_message = "the deployer may only read secret values"
  }
  assert {
    condition = data.aws_iam_policy_document.deploy[0].statement[0].resources == toset([
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1234-AbCdEf",
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:fcgi-users-test-app-user-1-GhIjKl",
    ])
    error_message = "the deployer reads exactly the two database secrets (no wildcard)"
  }
}

run "no_secrets_no_policy" {
  command = plan
  assert {
    condition     = length(aws_iam_policy.deploy) == 0 && output.deploy_policy_arn == null
    error_message = "without database secrets there is no deploy policy"
  }
}

run "rejects_non_secret_arn" {
  command = plan
  variables {
    database_secret_arns = ["arn:aws:s3:::bucket"]
  }
  expect_failures = [var.database_secret_arns]
}

run "rejects_bad_name" {
  command = plan
  variables {
    name = "x"
  }
  expect_failures = [var.name]
}

run "rejects_bad_vpc_id" {
  command = plan
  variables {
    vpc_id = "default"
  }
  expect_failures = [var.vpc_id]
}

run "rejects_bad_vpc_cidr" {
  command = plan
  variables {
    vpc_cidr_block = "10.0.0.0"
  }
  expect_failures = [var.vpc_cidr_block]
}

run "rejects_bad_subnet_id" {
  command = plan
  variables {
    subnet_id = "public-a"
  }
  expect_failures = [var.subnet_id]
}

run "rejects_whole_internet" {
  command = plan
  variables {
    allowed_cidrs = ["0.0.0.0/0"]
  }
  expect_failures = [var.allowed_cidrs]
}

run "rejects_no_cidrs" {
  command = plan
  variables {
    allowed_cidrs = []
  }
  expect_failures = [var.allowed_cidrs]
}

run "rejects_bad_key" {
  command = plan
  variables {
    ssh_public_key = "-----BEGIN OPENSSH PRIVATE KEY-----"
  }
  expect_failures = [var.ssh_public_key]
}

run "rejects_bad_instance_type" {
  command = plan
  variables {
    instance_type = "small"
  }
  expect_failures = [var.instance_type]
}

run "rejects_bad_architecture" {
  command = plan
  variables {
    architecture = "x86_64"
  }
  expect_failures = [var.architecture]
}

run "rejects_tiny_volume" {
  command = plan
  variables {
    root_volume_size = 2
  }
  expect_failures = [var.root_volume_size]
}

run "rejects_bad_kms_arn" {
  command = plan
  variables {
    kms_key_arn = "key"
  }
  expect_failures = [var.kms_key_arn]
}

run "rejects_aws_tag" {
  command = plan
  variables {
    tags = { "aws:x" = "y" }
  }
  expect_failures = [var.tags]
}
