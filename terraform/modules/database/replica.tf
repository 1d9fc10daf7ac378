# The optional read replica (var.read_replica): an RDS read replica of the instance in
# main.tf, for DATABASE_READ_URI (the backend sends reads there; a client that has just
# written reads from the primary, so it always sees its own change). Same network,
# security group, parameter group (TLS required), encryption and CA as the primary;
# never public. It keeps no backups of its own (the primary's are the backups) and is
# not Multi-AZ: if it fails, point DATABASE_READ_URI back at the primary.

resource "aws_db_instance" "replica" {
  count               = var.read_replica ? 1 : 0
  identifier          = "${var.identifier}-replica"
  replicate_source_db = aws_db_instance.this.identifier
  instance_class      = coalesce(var.read_replica_instance_class, var.instance_class)

  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = var.kms_key_arn
  max_allocated_storage = var.max_allocated_storage

  multi_az               = false
  vpc_security_group_ids = [aws_security_group.this.id]
  publicly_accessible    = false
  network_type           = "IPV4"
  port                   = 3306
  parameter_group_name   = aws_db_parameter_group.this.name
  ca_cert_identifier     = var.ca_cert_identifier

  iam_database_authentication_enabled = true
  auto_minor_version_upgrade          = true
  apply_immediately                   = var.apply_immediately
  maintenance_window                  = var.maintenance_window

  backup_retention_period = 0
  skip_final_snapshot     = true
  deletion_protection     = var.deletion_protection
  copy_tags_to_snapshot   = true

  performance_insights_enabled          = true
  performance_insights_kms_key_id       = var.kms_key_arn
  performance_insights_retention_period = var.performance_insights_retention_days

  tags = merge(var.tags, { Role = "read-replica" })
}
