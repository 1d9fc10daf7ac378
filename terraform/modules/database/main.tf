# The application's database: RDS MySQL 8.0 in the private subnets, reachable on 3306
# only from the security groups named in `allowed_security_group_ids` (the EKS nodes
# and the test VM), never from a CIDR block. Storage is encrypted, TLS is required by
# the parameter group, text is utf8mb4, and the master password is generated and kept
# by RDS in Secrets Manager (manage_master_user_password): it never appears in a plan,
# a state file or a variable.

resource "aws_db_subnet_group" "this" {
  name        = var.identifier
  description = "Private subnets of ${var.identifier}"
  subnet_ids  = var.subnet_ids
  tags        = var.tags
}

resource "aws_security_group" "this" {
  name        = "${var.identifier}-mysql"
  description = "MySQL ${var.identifier}: port 3306 from the named security groups only"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.identifier}-mysql" })
  # Rules are separate resources below; none are inline, so none can be added here.
  lifecycle {
    create_before_destroy = true
  }
}

# One rule per named security group; keyed by the name so a plan says who gains or
# loses access. There is deliberately no CIDR-based rule.
resource "aws_vpc_security_group_ingress_rule" "mysql" {
  for_each                     = var.allowed_security_group_ids
  security_group_id            = aws_security_group.this.id
  description                  = "MySQL from ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = 3306
  to_port                      = 3306
  referenced_security_group_id = each.value
  tags                         = merge(var.tags, { Name = "mysql-from-${each.key}" })
}

resource "aws_db_parameter_group" "this" {
  name_prefix = "${var.identifier}-mysql80-"
  family      = "mysql8.0"
  description = "fcgi-users: TLS required, utf8mb4"
  tags        = var.tags

  # Clients without TLS are refused (error 3159); the services connect with
  # ssl-mode=REQUIRED or VERIFY_IDENTITY and the RDS CA bundle.
  parameter {
    name  = "require_secure_transport"
    value = "1"
  }
  parameter {
    name         = "tls_version"
    value        = "TLSv1.2,TLSv1.3"
    apply_method = "pending-reboot"
  }
  parameter {
    name  = "character_set_server"
    value = "utf8mb4"
  }
  parameter {
    name  = "collation_server"
    value = "utf8mb4_0900_ai_ci"
  }
  parameter {
    name  = "character_set_client"
    value = "utf8mb4"
  }
  parameter {
    name  = "character_set_connection"
    value = "utf8mb4"
  }
  parameter {
    name  = "character_set_results"
    value = "utf8mb4"
  }
  # Slow queries go to the slowquery log export (CloudWatch).
  parameter {
    name  = "slow_query_log"
    value = "1"
  }
  parameter {
    name  = "long_query_time"
    value = "1"
  }

  lifecycle {
    create_before_destroy = true
  }
}

# The log groups RDS exports to, created first so they have a retention (RDS would
# create them with "never expire").
resource "aws_cloudwatch_log_group" "this" {
  for_each          = toset(["error", "slowquery"])
  name              = "/aws/rds/instance/${var.identifier}/${each.key}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_db_instance" "this" {
  identifier     = var.identifier
  engine         = "mysql"
  engine_version = var.engine_version
  instance_class = var.instance_class

  db_name                       = var.database_name
  username                      = var.master_username
  manage_master_user_password   = true
  master_user_secret_kms_key_id = var.kms_key_arn

  allocated_storage     = var.allocated_storage
  max_allocated_storage = var.max_allocated_storage
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = var.kms_key_arn

  multi_az               = var.multi_az
  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [aws_security_group.this.id]
  publicly_accessible    = false
  network_type           = "IPV4"
  port                   = 3306
  parameter_group_name   = aws_db_parameter_group.this.name
  ca_cert_identifier     = var.ca_cert_identifier

  iam_database_authentication_enabled = true
  auto_minor_version_upgrade          = true
  allow_major_version_upgrade         = false
  apply_immediately                   = var.apply_immediately

  backup_retention_period   = var.backup_retention_days
  backup_window             = var.backup_window
  maintenance_window        = var.maintenance_window
  copy_tags_to_snapshot     = true
  delete_automated_backups  = !var.deletion_protection
  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = !var.final_snapshot
  final_snapshot_identifier = var.final_snapshot ? "${var.identifier}-final" : null

  performance_insights_enabled          = true
  performance_insights_kms_key_id       = var.kms_key_arn
  performance_insights_retention_period = var.performance_insights_retention_days
  enabled_cloudwatch_logs_exports       = keys(aws_cloudwatch_log_group.this)

  tags = var.tags
}
