variable "name_prefix" {
  description = "Namespace of the repositories: images are <registry>/<name_prefix>/<repository>."
  type        = string
  default     = "fcgi-users"
  validation {
    condition     = can(regex("^[a-z0-9]+(?:[._-][a-z0-9]+)*$", var.name_prefix))
    error_message = "name_prefix must be lower-case letters and digits, optionally separated by '.', '_' or '-'."
  }
}

variable "repositories" {
  description = "One repository per image, named as the Helm chart expects (<name_prefix>/backend, <name_prefix>/frontend)."
  type        = list(string)
  default     = ["backend", "frontend"]
  validation {
    condition = length(var.repositories) > 0 && length(distinct(var.repositories)) == length(var.repositories) && alltrue([for r in var.repositories :
    can(regex("^[a-z0-9]+(?:[._-][a-z0-9]+)*$", r))])
    error_message = "repositories must be a non-empty list of distinct lower-case names (letters, digits, '.', '_', '-')."
  }
}

variable "keep_images" {
  description = "How many images each repository keeps (older ones expire); enough to roll back several releases."
  type        = number
  default     = 50
  validation {
    condition     = var.keep_images >= 5 && var.keep_images <= 1000 && floor(var.keep_images) == var.keep_images
    error_message = "keep_images must be a whole number from 5 to 1000 (fewer would expire images a rollback still needs)."
  }
}

variable "untagged_expiry_days" {
  description = "Days after which untagged images expire."
  type        = number
  default     = 7
  validation {
    condition     = var.untagged_expiry_days >= 1 && var.untagged_expiry_days <= 365 && floor(var.untagged_expiry_days) == var.untagged_expiry_days
    error_message = "untagged_expiry_days must be a whole number from 1 to 365."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for the images; null uses the AWS-managed ECR key."
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

variable "keep_deployed_images" {
  description = "How many deployed images (tagged deployed_tag_prefix by make deploy-prod) each repository keeps, whatever was built since: production's image and those a rollback needs."
  type        = number
  default     = 20
  validation {
    condition     = var.keep_deployed_images >= 2 && var.keep_deployed_images <= 1000 && floor(var.keep_deployed_images) == var.keep_deployed_images
    error_message = "keep_deployed_images must be a whole number from 2 to 1000 (the running image and at least one to roll back to)."
  }
}

variable "deployed_tag_prefix" {
  description = "Tag prefix marking images production ran (scripts/pipeline/deploy-prod.sh adds deployed-<tag>)."
  type        = string
  default     = "deployed-"
  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$", var.deployed_tag_prefix))
    error_message = "deployed_tag_prefix must be the start of a valid image tag (letters, digits, '_', '.', '-')."
  }
}
