variable "project" {
  description = "Project name: prefix of every resource name and the registry namespace."
  type        = string
  default     = "fcgi-users"
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,18}[a-z0-9]$", var.project))
    error_message = "project must be 3 to 20 characters of lower-case letters, digits and '-', starting with a letter."
  }
}

variable "environment" {
  description = "Which environment this is: test or production."
  type        = string
  validation {
    condition     = contains(["test", "production"], var.environment)
    error_message = "environment must be test or production."
  }
}

variable "network" {
  description = "VPC settings: cidr_block, single_nat_gateway (test: one NAT for all zones), flow_log_retention_days (also the retention of the EKS control plane and RDS logs)."
  type = object({
    cidr_block              = optional(string, "10.0.0.0/16")
    single_nat_gateway      = optional(bool, false)
    flow_log_retention_days = optional(number, 90)
  })
  default = {}
  validation {
    condition     = can(cidrhost(var.network.cidr_block, 0)) && contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731], var.network.flow_log_retention_days)
    error_message = "network.cidr_block must be a CIDR block and network.flow_log_retention_days a CloudWatch retention (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545 or 731)."
  }
}

variable "cluster" {
  description = "EKS settings: kubernetes_version, public_access_cidrs (who may reach the API endpoint; empty: private only), admin_principal_arns (e.g. the Jenkins deploy role), node_instance_types, node_min_size, node_max_size."
  type = object({
    kubernetes_version   = optional(string, "1.32")
    public_access_cidrs  = optional(list(string), [])
    admin_principal_arns = optional(list(string), [])
    node_instance_types  = optional(list(string), ["t3.medium"])
    node_min_size        = optional(number, 2)
    node_max_size        = optional(number, 4)
  })
  default = {}
  validation {
    condition     = var.cluster.node_min_size >= 1 && var.cluster.node_max_size >= var.cluster.node_min_size
    error_message = "cluster.node_min_size must be at least 1 and cluster.node_max_size at least node_min_size."
  }
  validation {
    condition     = !contains(var.cluster.public_access_cidrs, "0.0.0.0/0")
    error_message = "cluster.public_access_cidrs must not contain 0.0.0.0/0: name the networks that may reach the Kubernetes API."
  }
}

variable "database" {
  description = "RDS MySQL settings: instance_class, allocated_storage, max_allocated_storage (GiB), multi_az, backup_retention_days, deletion_protection, final_snapshot; read_replica (and read_replica_instance_class) for DATABASE_READ_URI; proxy with proxy_secret_arns for an RDS Proxy in front of the primary (docs/kubernetes.md \"Database connections\")."
  type = object({
    instance_class              = optional(string, "db.t4g.medium")
    allocated_storage           = optional(number, 20)
    max_allocated_storage       = optional(number, 100)
    multi_az                    = optional(bool, true)
    backup_retention_days       = optional(number, 7)
    deletion_protection         = optional(bool, true)
    final_snapshot              = optional(bool, true)
    read_replica                = optional(bool, false)
    read_replica_instance_class = optional(string)
    proxy                       = optional(bool, false)
    proxy_secret_arns           = optional(list(string), [])
  })
  default = {}
  validation {
    condition     = var.database.backup_retention_days >= 1 && var.database.backup_retention_days <= 35
    error_message = "database.backup_retention_days must be 1 to 35: automated backups are never turned off."
  }
  validation {
    condition     = var.database.max_allocated_storage >= var.database.allocated_storage
    error_message = "database.max_allocated_storage must be at least database.allocated_storage."
  }
}

variable "test_vm" {
  description = "The test VM, or null for none: allowed_cidrs (SSH and HTTP from these only), ssh_public_key (Ansible's login), instance_type."
  type = object({
    allowed_cidrs  = list(string)
    ssh_public_key = string
    instance_type  = optional(string, "t3.small")
  })
  default = null
  validation {
    condition     = var.test_vm == null || try(length(var.test_vm.allowed_cidrs) > 0 && !contains(var.test_vm.allowed_cidrs, "0.0.0.0/0"), false)
    error_message = "test_vm.allowed_cidrs must name at least one network and must not be 0.0.0.0/0."
  }
}

variable "create_registry" {
  description = "Create the ECR repositories for the two images. One environment (production) owns them; the pipeline pushes there once and every environment pulls the same tags."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource (Project and Environment are added)."
  type        = map(string)
  default     = {}
  validation {
    condition     = alltrue([for k in keys(var.tags) : length(k) <= 128 && !startswith(lower(k), "aws:")])
    error_message = "tags keys must be at most 128 characters and must not start with 'aws:'."
  }
}
