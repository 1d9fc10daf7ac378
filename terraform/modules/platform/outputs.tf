# The names below are the interface other parts read through `terraform output -json`:
# playbooks/inventories/from-terraform.py (vm_*, db_*), the Jenkinsfile and helm
# install (cluster_name, registry, image_repositories, db_*).

output "environment" {
  description = "test or production."
  value       = var.environment
}

output "vpc_id" {
  description = "ID of the VPC."
  value       = module.network.vpc_id
}

output "private_subnet_ids" {
  description = "Private subnets (nodes, database)."
  value       = module.network.private_subnet_ids
}

output "vpc_cidr_block" {
  description = "IPv4 range of the VPC (e.g. for the chart's networkPolicy.databaseCIDRs)."
  value       = module.network.vpc_cidr_block
}

output "nat_public_ips" {
  description = "Egress addresses of the private subnets."
  value       = module.network.nat_public_ips
}

output "cluster_name" {
  description = "EKS cluster name: aws eks update-kubeconfig --name <cluster_name>."
  value       = module.eks.cluster_name
}

output "cluster_endpoint" {
  description = "Kubernetes API endpoint."
  value       = module.eks.cluster_endpoint
}

output "oidc_provider_arn" {
  description = "IAM OIDC provider of the cluster (roles for service accounts)."
  value       = module.eks.oidc_provider_arn
}

output "db_endpoint" {
  description = "MySQL host name (TLS required)."
  value       = module.database.address
}

output "db_replica_endpoint" {
  description = "MySQL host name of the read replica (DATABASE_READ_URI's host); null without one."
  value       = module.database.replica_address
}

output "db_proxy_endpoint" {
  description = "RDS Proxy host name (the chart's database.host when the proxy is used); null without one."
  value       = module.database.proxy_endpoint
}

output "db_port" {
  description = "MySQL port."
  value       = module.database.port
}

output "db_name" {
  description = "The application database."
  value       = module.database.database_name
}

output "db_username" {
  description = "The RDS master user (the secret below holds its password)."
  value       = module.database.master_username
}

output "db_secret_arn" {
  description = "Secrets Manager secret with the master user's credentials (managed by RDS)."
  value       = module.database.master_user_secret_arn
}

output "db_app_username" {
  description = "The pools' MySQL user (row access only), made by fcgi-backend migrate as the master."
  value       = module.database.app_username
}

output "db_app_secret_arn" {
  description = "Secrets Manager secret with the pools' user's {username, password}."
  value       = module.database.app_user_secret_arn
}

output "db_security_group_id" {
  description = "The database's security group."
  value       = module.database.security_group_id
}

output "db_protection" {
  description = "The database's safety settings (multi_az, publicly_accessible, storage_encrypted, deletion_protection, final_snapshot, backup_days, require_tls)."
  value       = module.database.protection
}

output "db_allowed_security_groups" {
  description = "Names of the security groups admitted on 3306."
  value       = sort(keys(module.database.allowed_security_group_ids))
}

output "registry" {
  description = "Registry host (docker login / chart global.imageRegistry); null where this environment has no registry."
  value       = try(module.registry[0].registry, null)
}

output "registry_urls" {
  description = "Repository URL per image (backend, frontend)."
  value       = try(module.registry[0].repository_urls, {})
}

output "image_repositories" {
  description = "Repository path per image within the registry (the chart's backend.image.repository, frontend.image.repository)."
  value       = try(module.registry[0].repository_names, {})
}

output "vm_public_ip" {
  description = "The test VM's address (Ansible inventory, smoke test); null where there is no VM."
  value       = try(module.test_vm[0].public_ip, null)
}

output "vm_ssh_user" {
  description = "Login user on the test VM."
  value       = try(module.test_vm[0].ssh_user, null)
}

output "vm_security_group_id" {
  description = "The test VM's security group."
  value       = try(module.test_vm[0].security_group_id, null)
}

output "vm_deploy_policy_arn" {
  description = "IAM policy to attach to the test VM's deployer (the Jenkins deploy role): read the two database secrets, nothing else; null where there is no VM."
  value       = try(module.test_vm[0].deploy_policy_arn, null)
}
