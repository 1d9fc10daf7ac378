variable "environment" {
  description = "Which environment this run acts on: test or production (environments.tf; the state must be that environment's, see <env>.backend.hcl)."
  type        = string
  validation {
    condition     = contains(["test", "production"], var.environment)
    error_message = "environment must be test or production."
  }
}

variable "region" {
  description = "AWS region of the environment."
  type        = string
  default     = "eu-west-1"
  validation {
    condition     = can(regex("^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as eu-west-1."
  }
}

variable "allowed_account_ids" {
  description = "AWS account IDs this environment may be applied to (guards against the wrong credentials); empty: no check."
  type        = list(string)
  default     = []
  validation {
    condition     = alltrue([for a in var.allowed_account_ids : can(regex("^[0-9]{12}$", a))])
    error_message = "allowed_account_ids must be 12-digit AWS account IDs."
  }
}

variable "admin_cidrs" {
  description = "IPv4 networks of the Jenkins agents and the operators: they reach the Kubernetes API endpoint (and, in test, the VM's SSH and HTTP)."
  type        = list(string)
  validation {
    condition = length(var.admin_cidrs) > 0 && alltrue([for c in var.admin_cidrs :
    can(cidrhost(c, 0)) && !strcontains(c, ":") && try(tonumber(split("/", c)[1]) >= 8, false)])
    error_message = "admin_cidrs must list IPv4 CIDR blocks no wider than /8 (e.g. 203.0.113.0/24); 0.0.0.0/0 is refused."
  }
}

variable "cluster_admin_principal_arns" {
  description = "IAM roles or users that administer the EKS cluster (the Jenkins deploy role, the operators' role)."
  type        = list(string)
  default     = []
  validation {
    condition     = alltrue([for a in var.cluster_admin_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/.+$", a))])
    error_message = "cluster_admin_principal_arns must be IAM role or user ARNs (arn:aws:iam::123456789012:role/name)."
  }
}

variable "vm_ssh_public_key" {
  description = "test: OpenSSH public key for the test VM's `admin` user; its private key is the Jenkins credential fcgi-users-vm-ssh. production: not used."
  type        = string
  default     = null
  validation {
    condition     = var.vm_ssh_public_key == null ? var.environment != "test" : can(regex("^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/=]+( .*)?$", var.vm_ssh_public_key))
    error_message = "vm_ssh_public_key must be one OpenSSH public key line (ssh-ed25519, ssh-rsa or ecdsa-sha2-*); the test environment needs it."
  }
}
