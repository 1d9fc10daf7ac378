provider "aws" {
  region = var.region
  # Refuse to touch any other account than the one(s) named (empty: no check).
  allowed_account_ids = length(var.allowed_account_ids) > 0 ? var.allowed_account_ids : null
  default_tags {
    tags = {
      Project     = "fcgi-users"
      Environment = var.environment
      ManagedBy   = "terraform"
      Source      = "terraform/envs"
    }
  }
}
