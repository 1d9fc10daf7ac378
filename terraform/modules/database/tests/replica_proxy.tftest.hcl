# The optional read replica and RDS Proxy, against a mocked AWS provider: neither
# exists by default; the replica follows the primary and is as private, encrypted and
# TLS-bound as it; the proxy requires TLS, reads only the secrets it is given, targets
# the primary, and is reachable only from the named security groups.

mock_provider "aws" {
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/fcgi-users-prod-rds-proxy"
    }
  }
  mock_resource "aws_db_proxy_default_target_group" {
    defaults = {
      name = "default"
    }
  }
  mock_resource "aws_db_proxy" {
    defaults = {
      name     = "fcgi-users-prod-proxy"
      endpoint = "fcgi-users-prod-proxy.proxy-example.eu-west-1.rds.amazonaws.com"
    }
  }
  mock_data "aws_region" {
    defaults = {
      name = "eu-west-1"
    }
  }
}

variables {
  identifier = "fcgi-users-prod"
  vpc_id     = "vpc-0a1b2c3d"
  subnet_ids = ["subnet-0a", "subnet-0b"]
  allowed_security_group_ids = {
    eks-nodes = "sg-0aaa"
  }
}

run "neither_by_default" {
  command = plan
  assert {
    condition     = length(aws_db_instance.replica) == 0 && length(aws_db_proxy.this) == 0
    error_message = "no replica and no proxy unless asked for"
  }
  assert {
    condition     = output.replica_address == null && output.proxy_endpoint == null
    error_message = "the outputs are null without a replica or a proxy"
  }
}

run "read_replica" {
  command = apply
  variables {
    read_replica = true
  }
  assert {
    condition     = aws_db_instance.replica[0].replicate_source_db == aws_db_instance.this.identifier && aws_db_instance.replica[0].identifier == "fcgi-users-prod-replica"
    error_message = "the replica replicates the primary and is named after it"
  }
  assert {
    condition     = aws_db_instance.replica[0].publicly_accessible == false && aws_db_instance.replica[0].storage_encrypted == true
    error_message = "the replica is private and encrypted"
  }
  assert {
    condition     = aws_db_instance.replica[0].parameter_group_name == aws_db_parameter_group.this.name && aws_db_instance.replica[0].ca_cert_identifier == aws_db_instance.this.ca_cert_identifier
    error_message = "the replica requires TLS like the primary (same parameter group, same CA)"
  }
  assert {
    condition     = aws_db_instance.replica[0].vpc_security_group_ids == toset([aws_security_group.this.id])
    error_message = "the replica is behind the database's security group"
  }
  assert {
    condition     = aws_db_instance.replica[0].instance_class == aws_db_instance.this.instance_class && aws_db_instance.replica[0].backup_retention_period == 0
    error_message = "the replica has the primary's class by default and no backups of its own"
  }
  assert {
    condition     = output.replica_address == aws_db_instance.replica[0].address
    error_message = "replica_address names the replica"
  }
}

run "read_replica_own_class" {
  command = plan
  variables {
    read_replica                = true
    read_replica_instance_class = "db.r7g.large"
  }
  assert {
    condition     = aws_db_instance.replica[0].instance_class == "db.r7g.large"
    error_message = "read_replica_instance_class sets the replica's class"
  }
}

run "proxy" {
  command = apply
  variables {
    proxy             = true
    proxy_secret_arns = ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:users-app-AbCdEf"]
  }
  assert {
    condition     = aws_db_proxy.this[0].require_tls == true && aws_db_proxy.this[0].engine_family == "MYSQL"
    error_message = "the proxy speaks MySQL and requires TLS"
  }
  assert {
    condition     = [for a in aws_db_proxy.this[0].auth : a.secret_arn] == ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:users-app-AbCdEf"]
    error_message = "clients log in with the listed secrets only"
  }
  assert {
    condition     = data.aws_iam_policy_document.proxy_secrets[0].statement[0].resources == toset(["arn:aws:secretsmanager:eu-west-1:123456789012:secret:users-app-AbCdEf"])
    error_message = "the proxy's role may read the listed secrets and no others"
  }
  assert {
    condition     = aws_db_proxy_target.this[0].db_instance_identifier == aws_db_instance.this.identifier
    error_message = "the proxy targets the primary"
  }
  assert {
    condition     = aws_db_proxy_default_target_group.this[0].connection_pool_config[0].max_connections_percent == 90
    error_message = "the proxy leaves a tenth of max_connections to others by default"
  }
  assert {
    condition = alltrue([for r in aws_vpc_security_group_ingress_rule.proxy :
    r.cidr_ipv4 == null && r.referenced_security_group_id == "sg-0aaa" && r.from_port == 3306])
    error_message = "only the named security groups reach the proxy, on 3306"
  }
  assert {
    condition     = aws_vpc_security_group_ingress_rule.database_from_proxy[0].referenced_security_group_id == aws_security_group.proxy[0].id
    error_message = "the database admits the proxy"
  }
  assert {
    condition     = output.proxy_endpoint == aws_db_proxy.this[0].endpoint
    error_message = "proxy_endpoint names the proxy"
  }
}

run "rejects_proxy_without_secrets" {
  command = plan
  variables {
    proxy = true
  }
  expect_failures = [var.proxy_secret_arns]
}

run "rejects_bad_secret_arn" {
  command = plan
  variables {
    proxy             = true
    proxy_secret_arns = ["users-app"]
  }
  expect_failures = [var.proxy_secret_arns]
}

run "rejects_bad_replica_class" {
  command = plan
  variables {
    read_replica                = true
    read_replica_instance_class = "large"
  }
  expect_failures = [var.read_replica_instance_class]
}
