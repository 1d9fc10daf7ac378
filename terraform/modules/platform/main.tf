# One environment of fcgi-users, whole: the network, the EKS cluster, the MySQL
# database, and optionally the image registry and the test VM. Both environments are
# this module with different settings (terraform/envs/environments.tf), so what is
# tested is what runs in production.

locals {
  name = "${var.project}-${var.environment}"
  tags = merge(var.tags, { Project = var.project, Environment = var.environment })
}

module "network" {
  source                  = "../network"
  name                    = local.name
  cidr_block              = var.network.cidr_block
  single_nat_gateway      = var.network.single_nat_gateway
  flow_log_retention_days = var.network.flow_log_retention_days
  private_subnet_tags     = { "kubernetes.io/cluster/${local.name}" = "shared" }
  tags                    = local.tags
}

module "eks" {
  source               = "../eks"
  name                 = local.name
  kubernetes_version   = var.cluster.kubernetes_version
  subnet_ids           = module.network.private_subnet_ids
  public_access_cidrs  = var.cluster.public_access_cidrs
  admin_principal_arns = var.cluster.admin_principal_arns
  node_instance_types  = var.cluster.node_instance_types
  node_min_size        = var.cluster.node_min_size
  node_desired_size    = var.cluster.node_min_size
  node_max_size        = var.cluster.node_max_size
  log_retention_days   = var.network.flow_log_retention_days
  tags                 = local.tags
}

module "test_vm" {
  source         = "../test_vm"
  count          = var.test_vm == null ? 0 : 1
  name           = local.name
  vpc_id         = module.network.vpc_id
  vpc_cidr_block = module.network.vpc_cidr_block
  subnet_id      = module.network.public_subnet_ids[0]
  allowed_cidrs  = var.test_vm.allowed_cidrs
  ssh_public_key = var.test_vm.ssh_public_key
  instance_type  = var.test_vm.instance_type
  # Its deployer reads the master's secret (the migration) and the pools' user's.
  database_secret_arns = [module.database.master_user_secret_arn, module.database.app_user_secret_arn]
  tags                 = local.tags
}

module "database" {
  source     = "../database"
  identifier = local.name
  vpc_id     = module.network.vpc_id
  subnet_ids = module.network.private_subnet_ids
  # Only the cluster's nodes and, where there is one, the test VM reach port 3306.
  allowed_security_group_ids = merge(
    { eks-nodes = module.eks.node_security_group_id },
    var.test_vm == null ? {} : { test-vm = module.test_vm[0].security_group_id },
  )
  instance_class        = var.database.instance_class
  allocated_storage     = var.database.allocated_storage
  max_allocated_storage = var.database.max_allocated_storage
  multi_az              = var.database.multi_az
  backup_retention_days = var.database.backup_retention_days
  deletion_protection   = var.database.deletion_protection
  final_snapshot        = var.database.final_snapshot
  apply_immediately     = !var.database.deletion_protection

  read_replica                = var.database.read_replica
  read_replica_instance_class = var.database.read_replica_instance_class
  proxy                       = var.database.proxy
  proxy_secret_arns           = var.database.proxy_secret_arns

  log_retention_days = var.network.flow_log_retention_days
  tags               = local.tags
}

module "registry" {
  source      = "../registry"
  count       = var.create_registry ? 1 : 0
  name_prefix = var.project
  tags        = local.tags
}
