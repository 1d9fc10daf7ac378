variable "name" {
  description = "Name prefix for every resource of the network, e.g. fcgi-users-test."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "name must be 3 to 32 characters of lower-case letters, digits and '-', starting with a letter."
  }
}

variable "cidr_block" {
  description = "IPv4 range of the VPC, a /16 to /20 (public subnets take a /24-equivalent slice each, private ones a /20-equivalent)."
  type        = string
  default     = "10.0.0.0/16"
  validation {
    condition = (
      can(cidrhost(var.cidr_block, 0)) &&
      try(tonumber(split("/", var.cidr_block)[1]) >= 16 && tonumber(split("/", var.cidr_block)[1]) <= 20, false)
    )
    error_message = "cidr_block must be an IPv4 CIDR block with a prefix length from /16 to /20, e.g. 10.0.0.0/16."
  }
}

variable "az_count" {
  description = "How many availability zones the subnets span (the design uses three)."
  type        = number
  default     = 3
  validation {
    condition     = var.az_count >= 2 && var.az_count <= 4 && floor(var.az_count) == var.az_count
    error_message = "az_count must be a whole number from 2 to 4 (EKS and RDS need at least two zones; the subnet plan has room for four)."
  }
}

variable "single_nat_gateway" {
  description = "One NAT gateway for all zones (cheaper, for test) instead of one per zone (production: a zone outage does not cut the others' egress)."
  type        = bool
  default     = false
}

variable "flow_log_retention_days" {
  description = "Days CloudWatch keeps VPC flow logs."
  type        = number
  default     = 90
  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_log_retention_days)
    error_message = "flow_log_retention_days must be one of the values CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "flow_log_kms_key_arn" {
  description = "KMS key ARN to encrypt the flow log group with; null uses CloudWatch's own encryption."
  type        = string
  default     = null
  validation {
    condition     = var.flow_log_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", var.flow_log_kms_key_arn))
    error_message = "flow_log_kms_key_arn must be null or a KMS key ARN (arn:aws:kms:...)."
  }
}

variable "public_subnet_tags" {
  description = "Extra tags for the public subnets."
  type        = map(string)
  default     = {}
  validation {
    condition     = alltrue([for k in keys(var.public_subnet_tags) : length(k) <= 128])
    error_message = "public_subnet_tags keys must be at most 128 characters."
  }
}

variable "private_subnet_tags" {
  description = "Extra tags for the private subnets (e.g. kubernetes.io/cluster/<name> = shared)."
  type        = map(string)
  default     = {}
  validation {
    condition     = alltrue([for k in keys(var.private_subnet_tags) : length(k) <= 128])
    error_message = "private_subnet_tags keys must be at most 128 characters."
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
