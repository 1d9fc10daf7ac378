# Read by playbooks/inventories/from-terraform.py (vm_*, db_*), the Jenkinsfile and
# helm install (cluster_name, region, registry, image_repositories, db_*):
#   terraform -chdir=terraform/envs output -json    (after init with <env>.backend.hcl)
# Declared once for both environments; what an environment lacks is null or empty.

output "environment" {
  description = "test or production."
  value       = module.platform.environment
}

output "region" {
  description = "AWS region (aws eks update-kubeconfig --region)."
  value       = var.region
}

output "cluster_name" {
  description = "EKS cluster name."
  value       = module.platform.cluster_name
}

output "cluster_endpoint" {
  description = "Kubernetes API endpoint."
  value       = module.platform.cluster_endpoint
}

output "oidc_provider_arn" {
  description = "IAM OIDC provider for service-account roles."
  value       = module.platform.oidc_provider_arn
}

output "vpc_id" {
  description = "VPC ID."
  value       = module.platform.vpc_id
}

output "vpc_cidr_block" {
  description = "VPC range (the chart's networkPolicy.databaseCIDRs)."
  value       = module.platform.vpc_cidr_block
}

output "db_endpoint" {
  description = "MySQL host name (TLS required)."
  value       = module.platform.db_endpoint
}

output "db_port" {
  description = "MySQL port."
  value       = module.platform.db_port
}

output "db_name" {
  description = "Application database name."
  value       = module.platform.db_name
}

output "db_username" {
  description = "RDS master user name."
  value       = module.platform.db_username
}

output "db_secret_arn" {
  description = "Secrets Manager ARN of the master user's credentials (managed by RDS): the migration's only."
  value       = module.platform.db_secret_arn
}

output "db_app_username" {
  description = "The pools' MySQL user (row access only): the chart's database.user, the VM's fcgi_users_db_user."
  value       = module.platform.db_app_username
}

output "db_app_secret_arn" {
  description = "Secrets Manager ARN of the pools' user's {username, password}: the VM's FCGI_USERS_DB_PASSWORD, the chart's database.existingSecret."
  value       = module.platform.db_app_secret_arn
}

output "db_protection" {
  description = "The database's safety settings."
  value       = module.platform.db_protection
}

output "registry" {
  description = "ECR registry host; null in the environment that does not own it."
  value       = module.platform.registry
}

output "registry_urls" {
  description = "Repository URL per image (backend, frontend)."
  value       = module.platform.registry_urls
}

output "image_repositories" {
  description = "Repository path per image (the chart's <pool>.image.repository)."
  value       = module.platform.image_repositories
}

output "vm_public_ip" {
  description = "The test VM's address; null where there is no VM."
  value       = module.platform.vm_public_ip
}

output "vm_ssh_user" {
  description = "Login user on the test VM."
  value       = module.platform.vm_ssh_user
}

output "vm_deploy_policy_arn" {
  description = "IAM policy for the test VM's deployer (attach to the Jenkins deploy role): read the two database secrets, nothing else; null where there is no VM."
  value       = module.platform.vm_deploy_policy_arn
}

output "db_replica_endpoint" {
  description = "MySQL host name of the read replica (DATABASE_READ_URI's host); null without one (database.read_replica in main.tf)."
  value       = module.platform.db_replica_endpoint
}

output "db_proxy_endpoint" {
  description = "RDS Proxy host name (the chart's database.host when used); null without one (database.proxy in main.tf)."
  value       = module.platform.db_proxy_endpoint
}
