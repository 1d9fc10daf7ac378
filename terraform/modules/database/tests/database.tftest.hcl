# The database module against a mocked AWS provider: not public, encrypted, TLS
# required, utf8mb4, password managed by RDS, port 3306 open only to named security
# groups; production safeguards; the pools' own user with a generated password in a
# secret beside the master's; each variable's validation rejects a bad value.

mock_provider "aws" {
  mock_data "aws_secretsmanager_random_password" {
    defaults = {
      random_password = "Q0ZHSWxlYXN0cHJpdmlsZWdlMDEyMzQ1Njc4OWFi"
    }
  }
}

variables {
  identifier = "fcgi-users-prod"
  vpc_id     = "vpc-0a1b2c3d"
  subnet_ids = ["subnet-0a", "subnet-0b", "subnet-0c"]
  allowed_security_group_ids = {
    eks-nodes = "sg-0aaa"
    test-vm   = "sg-0bbb"
  }
}

# apply (against the mock) so that computed names, such as the parameter group's, are known.
run "not_public_encrypted_tls" {
  command = apply

  assert {
    condition     = aws_db_instance.this.publicly_accessible == false
    error_message = "the database must not be publicly accessible"
  }
  assert {
    condition     = aws_db_instance.this.storage_encrypted == true
    error_message = "storage must be encrypted"
  }
  assert {
    condition     = one([for p in aws_db_parameter_group.this.parameter : p.value if p.name == "require_secure_transport"]) == "1"
    error_message = "the parameter group must require TLS (require_secure_transport = 1)"
  }
  assert {
    condition     = aws_db_instance.this.parameter_group_name == aws_db_parameter_group.this.name
    error_message = "the instance must use the TLS-requiring parameter group"
  }
  assert {
    condition     = one([for p in aws_db_parameter_group.this.parameter : p.value if p.name == "character_set_server"]) == "utf8mb4"
    error_message = "the server character set must be utf8mb4"
  }
  assert {
    condition     = aws_db_instance.this.engine == "mysql" && startswith(aws_db_instance.this.engine_version, "8.0") && aws_db_parameter_group.this.family == "mysql8.0"
    error_message = "MySQL 8.0 with a mysql8.0 parameter group"
  }
  assert {
    condition     = aws_db_instance.this.manage_master_user_password == true && aws_db_instance.this.password == null
    error_message = "the master password is generated and kept by RDS in Secrets Manager, never given in Terraform"
  }
  assert {
    condition     = aws_db_instance.this.db_name == "users"
    error_message = "the application database is `users`"
  }
  assert {
    condition     = aws_db_instance.this.performance_insights_enabled == true
    error_message = "Performance Insights must be on"
  }
  assert {
    condition     = aws_db_instance.this.backup_retention_period >= 1
    error_message = "automated backups must be on"
  }
  assert {
    condition     = toset(aws_db_instance.this.enabled_cloudwatch_logs_exports) == toset(["error", "slowquery"]) && aws_cloudwatch_log_group.this["slowquery"].retention_in_days == 90
    error_message = "error and slow query logs go to CloudWatch log groups with a retention"
  }
}

run "mysql_port_only_from_named_security_groups" {
  command = plan

  assert {
    condition     = length(aws_vpc_security_group_ingress_rule.mysql) == 2
    error_message = "one ingress rule per named security group"
  }
  assert {
    condition = alltrue([for r in aws_vpc_security_group_ingress_rule.mysql :
    r.cidr_ipv4 == null && r.cidr_ipv6 == null && r.prefix_list_id == null])
    error_message = "port 3306 must be open to no CIDR block or prefix list"
  }
  assert {
    condition = alltrue([for r in aws_vpc_security_group_ingress_rule.mysql :
    r.from_port == 3306 && r.to_port == 3306 && r.ip_protocol == "tcp"])
    error_message = "the rules open tcp/3306 and nothing else"
  }
  assert {
    condition     = toset([for r in aws_vpc_security_group_ingress_rule.mysql : r.referenced_security_group_id]) == toset(["sg-0aaa", "sg-0bbb"])
    error_message = "exactly the named security groups may connect"
  }
  assert {
    condition     = length(aws_security_group.this.ingress) == 0
    error_message = "the database security group has no inline rules"
  }
}

run "production_safeguards" {
  command = plan

  assert {
    condition     = aws_db_instance.this.multi_az == true
    error_message = "Multi-AZ is the default"
  }
  assert {
    condition     = aws_db_instance.this.deletion_protection == true
    error_message = "deletion protection is the default"
  }
  assert {
    condition     = aws_db_instance.this.skip_final_snapshot == false && aws_db_instance.this.final_snapshot_identifier == "fcgi-users-prod-final"
    error_message = "a final snapshot is taken on deletion by default"
  }
}

run "test_settings" {
  command = plan
  variables {
    multi_az            = false
    deletion_protection = false
    final_snapshot      = false
  }
  assert {
    condition     = aws_db_instance.this.multi_az == false && aws_db_instance.this.skip_final_snapshot == true
    error_message = "a test database can be single-AZ and deleted without a snapshot"
  }
  assert {
    condition     = aws_db_instance.this.publicly_accessible == false && aws_db_instance.this.storage_encrypted == true
    error_message = "even a test database is private and encrypted"
  }
}

# The pools' user: its own secret, {username, password}, the password from Secrets
# Manager's generator (no random provider), never the master's.
run "app_user_secret_beside_the_master" {
  command = apply

  assert {
    condition     = jsondecode(aws_secretsmanager_secret_version.app_user.secret_string).username == "users"
    error_message = "the app secret names the pools' user (default users, the chart's database.user)"
  }
  assert {
    condition     = jsondecode(aws_secretsmanager_secret_version.app_user.secret_string).password == data.aws_secretsmanager_random_password.app_user.random_password
    error_message = "the app secret's password is the generated one"
  }
  assert {
    condition     = data.aws_secretsmanager_random_password.app_user.password_length >= 32 && data.aws_secretsmanager_random_password.app_user.exclude_punctuation == true
    error_message = "the generated password is long (32+) and URI-safe (no punctuation)"
  }
  assert {
    condition     = aws_secretsmanager_secret_version.app_user.secret_id == aws_secretsmanager_secret.app_user.id && output.app_user_secret_arn == aws_secretsmanager_secret.app_user.arn
    error_message = "app_user_secret_arn is the secret the value was written to"
  }
  assert {
    condition     = output.app_user_secret_arn != output.master_user_secret_arn && output.app_username != output.master_username
    error_message = "the pools' user and secret are not the master's"
  }
  assert {
    condition     = startswith(aws_secretsmanager_secret.app_user.name_prefix, "fcgi-users-prod-app-user-") && aws_secretsmanager_secret.app_user.recovery_window_in_days == 30
    error_message = "the app secret is named after the database and recoverable for 30 days where the database is protected"
  }
}

run "app_user_named" {
  command = plan
  variables {
    app_username        = "fcgi_users"
    deletion_protection = false
  }
  assert {
    condition     = output.app_username == "fcgi_users" && aws_secretsmanager_secret.app_user.recovery_window_in_days == 0
    error_message = "app_username names the pools' user; a disposable database's secret goes at once"
  }
}

run "rejects_app_user_as_master" {
  command = plan
  variables {
    app_username = "fcgi_admin"
  }
  expect_failures = [var.app_username]
}

run "rejects_bad_app_username" {
  command = plan
  variables {
    app_username = "users'@'%"
  }
  expect_failures = [var.app_username]
}

run "rejects_bad_identifier" {
  command = plan
  variables {
    identifier = "Prod_DB"
  }
  expect_failures = [var.identifier]
}

run "rejects_bad_vpc_id" {
  command = plan
  variables {
    vpc_id = "10.0.0.0/16"
  }
  expect_failures = [var.vpc_id]
}

run "rejects_one_subnet" {
  command = plan
  variables {
    subnet_ids = ["subnet-0a"]
  }
  expect_failures = [var.subnet_ids]
}

run "rejects_cidr_as_allowed_source" {
  command = plan
  variables {
    allowed_security_group_ids = { anywhere = "0.0.0.0/0" }
  }
  expect_failures = [var.allowed_security_group_ids]
}

run "rejects_mysql_57" {
  command = plan
  variables {
    engine_version = "5.7.44"
  }
  expect_failures = [var.engine_version]
}

run "rejects_micro_instance" {
  command = plan
  variables {
    instance_class = "db.t3.micro"
  }
  expect_failures = [var.instance_class]
}

run "rejects_bad_database_name" {
  command = plan
  variables {
    database_name = "users-db"
  }
  expect_failures = [var.database_name]
}

run "rejects_reserved_username" {
  command = plan
  variables {
    master_username = "root"
  }
  expect_failures = [var.master_username]
}

run "rejects_small_storage" {
  command = plan
  variables {
    allocated_storage     = 5
    max_allocated_storage = 100
  }
  expect_failures = [var.allocated_storage]
}

run "rejects_max_below_allocated" {
  command = plan
  variables {
    allocated_storage     = 50
    max_allocated_storage = 30
  }
  expect_failures = [var.max_allocated_storage]
}

run "rejects_no_backups" {
  command = plan
  variables {
    backup_retention_days = 0
  }
  expect_failures = [var.backup_retention_days]
}

run "rejects_bad_backup_window" {
  command = plan
  variables {
    backup_window = "2am"
  }
  expect_failures = [var.backup_window]
}

run "rejects_bad_maintenance_window" {
  command = plan
  variables {
    maintenance_window = "sunday 3:30"
  }
  expect_failures = [var.maintenance_window]
}

run "rejects_bad_pi_retention" {
  command = plan
  variables {
    performance_insights_retention_days = 30
  }
  expect_failures = [var.performance_insights_retention_days]
}

run "rejects_bad_log_retention" {
  command = plan
  variables {
    log_retention_days = 45
  }
  expect_failures = [var.log_retention_days]
}

run "rejects_bad_kms_arn" {
  command = plan
  variables {
    kms_key_arn = "my-key"
  }
  expect_failures = [var.kms_key_arn]
}

run "rejects_unknown_ca" {
  command = plan
  variables {
    ca_cert_identifier = "rds-ca-2019"
  }
  expect_failures = [var.ca_cert_identifier]
}

run "rejects_aws_tag" {
  command = plan
  variables {
    tags = { "AWS:x" = "y" }
  }
  expect_failures = [var.tags]
}
