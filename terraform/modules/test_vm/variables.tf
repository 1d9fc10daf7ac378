variable "name" {
  description = "Name prefix of the VM and its key pair and security group."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "name must be 3 to 32 characters of lower-case letters, digits and '-', starting with a letter."
  }
}

variable "vpc_id" {
  description = "VPC of the VM."
  type        = string
  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must be a VPC ID (vpc-...)."
  }
}

variable "vpc_cidr_block" {
  description = "IPv4 range of the VPC: the VM may reach MySQL inside it."
  type        = string
  validation {
    condition     = can(cidrhost(var.vpc_cidr_block, 0)) && !strcontains(var.vpc_cidr_block, ":")
    error_message = "vpc_cidr_block must be an IPv4 CIDR block, e.g. 10.0.0.0/16."
  }
}

variable "subnet_id" {
  description = "Public subnet the VM runs in."
  type        = string
  validation {
    condition     = can(regex("^subnet-[0-9a-f]+$", var.subnet_id))
    error_message = "subnet_id must be a subnet ID (subnet-...)."
  }
}

variable "allowed_cidrs" {
  description = "IPv4 CIDR blocks allowed to reach the VM on SSH (22) and HTTP (80): the Jenkins agents' egress and the operators' network. Never the whole Internet."
  type        = list(string)
  validation {
    condition = length(var.allowed_cidrs) > 0 && alltrue([for c in var.allowed_cidrs :
    can(cidrhost(c, 0)) && !strcontains(c, ":") && try(tonumber(split("/", c)[1]) >= 8, false)])
    error_message = "allowed_cidrs must list IPv4 CIDR blocks no wider than /8 (e.g. 203.0.113.0/24); 0.0.0.0/0 is refused."
  }
}

variable "ssh_public_key" {
  description = "OpenSSH public key Ansible logs in with (user `admin` on Debian's images); the private key lives in Jenkins' credential store."
  type        = string
  validation {
    condition     = can(regex("^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/=]+( .*)?$", var.ssh_public_key))
    error_message = "ssh_public_key must be one OpenSSH public key line (ssh-ed25519, ssh-rsa or ecdsa-sha2-*)."
  }
}

variable "instance_type" {
  description = "EC2 instance type of the VM."
  type        = string
  default     = "t3.small"
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9]+$", var.instance_type))
    error_message = "instance_type must be an EC2 instance type such as t3.small."
  }
}

variable "architecture" {
  description = "CPU architecture of the Debian image; must match instance_type (amd64 for t3, arm64 for t4g)."
  type        = string
  default     = "amd64"
  validation {
    condition     = contains(["amd64", "arm64"], var.architecture)
    error_message = "architecture must be amd64 or arm64."
  }
}

variable "root_volume_size" {
  description = "Size of the encrypted root volume in GiB."
  type        = number
  default     = 16
  validation {
    condition     = var.root_volume_size >= 8 && var.root_volume_size <= 200
    error_message = "root_volume_size must be from 8 to 200 GiB."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for the root volume; null uses the account's default EBS key."
  type        = string
  default     = null
  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be null or a KMS key ARN (arn:aws:kms:...)."
  }
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

variable "database_secret_arns" {
  description = "Secrets Manager secrets the VM's deployer reads: the database master's (the migration) and the pools' user's (written to the VM). The deploy policy grants read access to exactly these; empty: no policy."
  type        = list(string)
  default     = []
  validation {
    condition     = alltrue([for a in var.database_secret_arns : can(regex("^arn:aws[a-z-]*:secretsmanager:", a))])
    error_message = "database_secret_arns must list Secrets Manager secret ARNs (arn:aws:secretsmanager:...)."
  }
}
