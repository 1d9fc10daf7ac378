variable "identifier" {
  description = "RDS instance identifier, also the prefix of its subnet group, security group and parameter group."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,53}[a-z0-9]$", var.identifier)) && !strcontains(var.identifier, "--")
    error_message = "identifier must be 2 to 55 characters of lower-case letters, digits and single hyphens, starting with a letter and not ending with a hyphen."
  }
}

variable "vpc_id" {
  description = "VPC the database and its security group live in."
  type        = string
  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must be a VPC ID (vpc-...)."
  }
}

variable "subnet_ids" {
  description = "Private subnets for the DB subnet group, in at least two availability zones."
  type        = list(string)
  validation {
    condition     = length(var.subnet_ids) >= 2 && alltrue([for s in var.subnet_ids : can(regex("^subnet-[0-9a-f]+$", s))])
    error_message = "subnet_ids must list at least two subnet IDs (subnet-...): RDS needs subnets in two zones."
  }
}

variable "allowed_security_group_ids" {
  description = "Security groups allowed to connect on 3306, keyed by a name that says who they are (e.g. { eks-nodes = sg-..., test-vm = sg-... }). Nothing else can reach the database."
  type        = map(string)
  validation {
    condition = alltrue([for k, v in var.allowed_security_group_ids :
    can(regex("^[a-z0-9][a-z0-9-]{0,62}$", k)) && can(regex("^sg-[0-9a-f]+$", v))])
    error_message = "allowed_security_group_ids must map short lower-case names to security group IDs (sg-...); CIDR blocks are not accepted."
  }
}

variable "engine_version" {
  description = "MySQL engine version: 8.0 (latest minor, upgraded automatically) or a pinned 8.0.x."
  type        = string
  default     = "8.0"
  validation {
    condition     = can(regex("^8\\.0(\\.[0-9]+)?$", var.engine_version))
    error_message = "engine_version must be MySQL 8.0 or 8.0.<minor> (the parameter group family is mysql8.0)."
  }
}

variable "instance_class" {
  description = "RDS instance class. Performance Insights needs db.t4g.medium or larger."
  type        = string
  default     = "db.t4g.medium"
  validation {
    condition     = can(regex("^db\\.[a-z0-9]+\\.[a-z0-9]+$", var.instance_class)) && !contains(["db.t3.micro", "db.t3.small", "db.t4g.micro", "db.t4g.small"], var.instance_class)
    error_message = "instance_class must be an RDS class such as db.t4g.medium or db.m7g.large (micro and small classes do not support Performance Insights)."
  }
}

variable "database_name" {
  description = "The schema created at launch; the services use `users` (the old system's name)."
  type        = string
  default     = "users"
  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9_]{0,63}$", var.database_name))
    error_message = "database_name must start with a letter and hold at most 64 letters, digits or underscores."
  }
}

variable "master_username" {
  description = "Master user name. Its password is generated and rotated by RDS in Secrets Manager."
  type        = string
  default     = "fcgi_admin"
  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9_]{0,15}$", var.master_username)) && !contains(["root", "rdsadmin", "mysql"], lower(var.master_username))
    error_message = "master_username must be 1 to 16 letters, digits or underscores starting with a letter, and not a reserved name (root, rdsadmin, mysql)."
  }
}

variable "allocated_storage" {
  description = "Initial storage in GiB (gp3)."
  type        = number
  default     = 20
  validation {
    condition     = var.allocated_storage >= 20 && var.allocated_storage <= 65536
    error_message = "allocated_storage must be between 20 and 65536 GiB."
  }
}

variable "max_allocated_storage" {
  description = "Ceiling for storage autoscaling in GiB; equal to allocated_storage turns autoscaling off."
  type        = number
  default     = 100
  validation {
    condition     = var.max_allocated_storage >= var.allocated_storage && var.max_allocated_storage <= 65536
    error_message = "max_allocated_storage must be at least allocated_storage and at most 65536 GiB."
  }
}

variable "multi_az" {
  description = "Keep a synchronous standby in a second zone (production)."
  type        = bool
  default     = true
}

variable "backup_retention_days" {
  description = "Days of automated backups (point-in-time recovery window)."
  type        = number
  default     = 7
  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be 1 to 35: automated backups are never turned off."
  }
}

variable "backup_window" {
  description = "Daily backup window (UTC, hh24:mi-hh24:mi), not overlapping the maintenance window."
  type        = string
  default     = "02:00-03:00"
  validation {
    condition     = can(regex("^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$", var.backup_window))
    error_message = "backup_window must look like 02:00-03:00 (UTC)."
  }
}

variable "maintenance_window" {
  description = "Weekly maintenance window (UTC, ddd:hh24:mi-ddd:hh24:mi)."
  type        = string
  default     = "sun:03:30-sun:04:30"
  validation {
    condition     = can(regex("^(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]-(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]$", var.maintenance_window))
    error_message = "maintenance_window must look like sun:03:30-sun:04:30 (UTC)."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the instance (production); also keeps automated backups after deletion."
  type        = bool
  default     = true
}

variable "final_snapshot" {
  description = "Take a final snapshot named <identifier>-final when the instance is deleted (production)."
  type        = bool
  default     = true
}

variable "performance_insights_retention_days" {
  description = "Performance Insights retention: 7 (free) or a multiple of 31 up to 731."
  type        = number
  default     = 7
  validation {
    condition     = var.performance_insights_retention_days == 7 || (var.performance_insights_retention_days % 31 == 0 && var.performance_insights_retention_days >= 31 && var.performance_insights_retention_days <= 731)
    error_message = "performance_insights_retention_days must be 7, or a multiple of 31 from 31 to 731 (or 731)."
  }
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps the exported error and slow query logs."
  type        = number
  default     = 90
  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ...)."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for storage, the master secret and Performance Insights; null uses the AWS-managed keys."
  type        = string
  default     = null
  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be null or a KMS key ARN (arn:aws:kms:...)."
  }
}

variable "ca_cert_identifier" {
  description = "The RDS certificate authority the server certificate is signed by (clients verify against its bundle)."
  type        = string
  default     = "rds-ca-rsa2048-g1"
  validation {
    condition     = contains(["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"], var.ca_cert_identifier)
    error_message = "ca_cert_identifier must be rds-ca-rsa2048-g1, rds-ca-rsa4096-g1 or rds-ca-ecc384-g1."
  }
}

variable "apply_immediately" {
  description = "Apply modifications now instead of in the maintenance window."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
  validation {
    condition     = alltrue([for k in keys(var.tags) : length(k) <= 128 && !startswith(lower(k), "aws:")])
    error_message = "tags keys must be at most 128 characters and must not start with 'aws:'."
  }
}

variable "read_replica" {
  description = "Create a read replica (<identifier>-replica) for DATABASE_READ_URI: reads go there, a client that has just written reads from the primary."
  type        = bool
  default     = false
}

variable "read_replica_instance_class" {
  description = "Instance class of the read replica; null: the primary's."
  type        = string
  default     = null
  validation {
    condition     = var.read_replica_instance_class == null || can(regex("^db\\.[a-z0-9]+\\.[a-z0-9]+$", var.read_replica_instance_class))
    error_message = "read_replica_instance_class must be null or an RDS class such as db.t4g.medium."
  }
}

variable "proxy" {
  description = "Put an RDS Proxy in front of the primary (docs/kubernetes.md \"Database connections\": it queues connections past its share of max_connections; it does not multiplex this application's sessions, which keep prepared statements)."
  type        = bool
  default     = false
}

variable "proxy_secret_arns" {
  description = "Secrets Manager secrets ({username, password}) of the database users that log in through the proxy (the application's user). Required with proxy."
  type        = list(string)
  default     = []
  validation {
    condition     = alltrue([for a in var.proxy_secret_arns : can(regex("^arn:aws[a-z-]*:secretsmanager:", a))])
    error_message = "proxy_secret_arns must list Secrets Manager secret ARNs (arn:aws:secretsmanager:...)."
  }
  validation {
    condition     = !var.proxy || length(var.proxy_secret_arns) > 0
    error_message = "proxy = true needs proxy_secret_arns: the secrets of the users that log in through the proxy."
  }
}

variable "proxy_max_connections_percent" {
  description = "The share of the database's max_connections the proxy may open (the rest stays for admins and the migration)."
  type        = number
  default     = 90
  validation {
    condition     = var.proxy_max_connections_percent >= 1 && var.proxy_max_connections_percent <= 100
    error_message = "proxy_max_connections_percent must be 1 to 100."
  }
}

variable "proxy_connection_borrow_timeout" {
  description = "Seconds a client waits in the proxy for a database connection before an error (the backend then answers 503)."
  type        = number
  default     = 5
  validation {
    condition     = var.proxy_connection_borrow_timeout >= 0 && var.proxy_connection_borrow_timeout <= 3600
    error_message = "proxy_connection_borrow_timeout must be 0 to 3600 seconds."
  }
}

variable "app_username" {
  description = "The pools' MySQL user (least privilege: rows of the app's tables only), created by `fcgi-backend migrate` as the master; its password is generated into the app user secret. The chart's database.user."
  type        = string
  default     = "users"
  validation {
    # The alphabet fcgi-backend/db_grants.c accepts for APP_DATABASE_USER.
    condition     = can(regex("^[A-Za-z0-9_.-]{1,32}$", var.app_username)) && var.app_username != var.master_username
    error_message = "app_username must be 1 to 32 of A-Z a-z 0-9 _ . - and not the master user: the pools never log in as the master."
  }
}
