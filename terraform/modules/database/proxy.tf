# The optional RDS Proxy (var.proxy) in front of the primary, for fleets whose backend
# workers outgrow max_connections. What it does and does not do for this application
# (docs/kubernetes.md "Database connections"): the backend keeps prepared statements
# on its connections, and RDS Proxy pins a session that prepares statements to one
# database connection, so the proxy does not multiplex the workers onto fewer database
# connections. What it gives: connections past max_connections_percent wait in the
# proxy (up to connection_borrow_timeout) instead of being refused by MySQL, and a
# failover of a Multi-AZ primary is seen in seconds. Clients log in with the users whose
# Secrets Manager secrets are listed in var.proxy_secret_arns; TLS is required.

locals {
  proxy_count = var.proxy ? 1 : 0
}

data "aws_iam_policy_document" "proxy_assume" {
  count = local.proxy_count
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["rds.amazonaws.com"]
    }
  }
}

# The proxy reads the listed secrets and nothing else.
data "aws_iam_policy_document" "proxy_secrets" {
  count = local.proxy_count
  statement {
    actions   = ["secretsmanager:GetSecretValue"]
    resources = var.proxy_secret_arns
  }
  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]
    content {
      actions   = ["kms:Decrypt"]
      resources = [statement.value]
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["secretsmanager.${data.aws_region.current[0].name}.amazonaws.com"]
      }
    }
  }
}

data "aws_region" "current" {
  count = local.proxy_count
}

resource "aws_iam_role" "proxy" {
  count              = local.proxy_count
  name               = "${var.identifier}-rds-proxy"
  assume_role_policy = data.aws_iam_policy_document.proxy_assume[0].json
  tags               = var.tags
}

resource "aws_iam_role_policy" "proxy" {
  count  = local.proxy_count
  name   = "read-database-secrets"
  role   = aws_iam_role.proxy[0].id
  policy = data.aws_iam_policy_document.proxy_secrets[0].json
}

# The proxy's own security group: 3306 from the same named groups as the database, and
# out to the database only.
resource "aws_security_group" "proxy" {
  count       = local.proxy_count
  name        = "${var.identifier}-proxy"
  description = "RDS Proxy ${var.identifier}: 3306 from the named security groups, out to the database"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.identifier}-proxy" })
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "proxy" {
  for_each                     = var.proxy ? var.allowed_security_group_ids : {}
  security_group_id            = aws_security_group.proxy[0].id
  description                  = "MySQL (proxy) from ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = 3306
  to_port                      = 3306
  referenced_security_group_id = each.value
  tags                         = merge(var.tags, { Name = "proxy-from-${each.key}" })
}

resource "aws_vpc_security_group_egress_rule" "proxy_to_database" {
  count                        = local.proxy_count
  security_group_id            = aws_security_group.proxy[0].id
  description                  = "MySQL to the database"
  ip_protocol                  = "tcp"
  from_port                    = 3306
  to_port                      = 3306
  referenced_security_group_id = aws_security_group.this.id
  tags                         = merge(var.tags, { Name = "proxy-to-database" })
}

resource "aws_vpc_security_group_ingress_rule" "database_from_proxy" {
  count                        = local.proxy_count
  security_group_id            = aws_security_group.this.id
  description                  = "MySQL from the RDS Proxy"
  ip_protocol                  = "tcp"
  from_port                    = 3306
  to_port                      = 3306
  referenced_security_group_id = aws_security_group.proxy[0].id
  tags                         = merge(var.tags, { Name = "mysql-from-proxy" })
}

resource "aws_db_proxy" "this" {
  count                  = local.proxy_count
  name                   = "${var.identifier}-proxy"
  engine_family          = "MYSQL"
  require_tls            = true
  role_arn               = aws_iam_role.proxy[0].arn
  vpc_subnet_ids         = var.subnet_ids
  vpc_security_group_ids = [aws_security_group.proxy[0].id]
  idle_client_timeout    = 1800
  debug_logging          = false

  dynamic "auth" {
    for_each = toset(var.proxy_secret_arns)
    content {
      auth_scheme               = "SECRETS"
      secret_arn                = auth.value
      iam_auth                  = "DISABLED"
      client_password_auth_type = "MYSQL_NATIVE_PASSWORD"
    }
  }

  tags = var.tags
}

resource "aws_db_proxy_default_target_group" "this" {
  count         = local.proxy_count
  db_proxy_name = aws_db_proxy.this[0].name

  connection_pool_config {
    max_connections_percent   = var.proxy_max_connections_percent
    connection_borrow_timeout = var.proxy_connection_borrow_timeout
  }
}

resource "aws_db_proxy_target" "this" {
  count                  = local.proxy_count
  db_proxy_name          = aws_db_proxy.this[0].name
  target_group_name      = aws_db_proxy_default_target_group.this[0].name
  db_instance_identifier = aws_db_instance.this.identifier
}
