output "address" {
  description = "DNS name of the database (clients connect here with TLS)."
  value       = aws_db_instance.this.address
}

output "port" {
  description = "MySQL port."
  value       = aws_db_instance.this.port
}

output "database_name" {
  description = "The application schema."
  value       = aws_db_instance.this.db_name
}

output "master_username" {
  description = "Master user name (its password is in the secret below)."
  value       = aws_db_instance.this.username
}

output "master_user_secret_arn" {
  description = "Secrets Manager secret holding the master user's {username, password}, managed and rotated by RDS."
  value       = try(aws_db_instance.this.master_user_secret[0].secret_arn, null)
}

output "security_group_id" {
  description = "The database's security group."
  value       = aws_security_group.this.id
}

output "protection" {
  description = "The safety settings in force, for reviews and tests."
  value = {
    multi_az            = aws_db_instance.this.multi_az
    publicly_accessible = aws_db_instance.this.publicly_accessible
    storage_encrypted   = aws_db_instance.this.storage_encrypted
    deletion_protection = aws_db_instance.this.deletion_protection
    final_snapshot      = !aws_db_instance.this.skip_final_snapshot
    backup_days         = aws_db_instance.this.backup_retention_period
    require_tls         = one([for p in aws_db_parameter_group.this.parameter : p.value if p.name == "require_secure_transport"]) == "1"
  }
}

output "allowed_security_group_ids" {
  description = "The security groups admitted on 3306, by name."
  value       = { for k, r in aws_vpc_security_group_ingress_rule.mysql : k => r.referenced_security_group_id }
}

output "replica_address" {
  description = "DNS name of the read replica (DATABASE_READ_URI's host); null without one."
  value       = try(aws_db_instance.replica[0].address, null)
}

output "proxy_endpoint" {
  description = "DNS name of the RDS Proxy (DATABASE_URI's host when the proxy is used); null without one."
  value       = try(aws_db_proxy.this[0].endpoint, null)
}

output "app_username" {
  description = "The pools' MySQL user (row access only; made by fcgi-backend migrate as the master)."
  value       = var.app_username
}

output "app_user_secret_arn" {
  description = "Secrets Manager secret holding the pools' user's {username, password}."
  value       = aws_secretsmanager_secret.app_user.arn
}
