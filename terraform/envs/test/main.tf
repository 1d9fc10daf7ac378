# The test environment: the same platform as production, smaller and disposable
# (one NAT gateway, a single-AZ database that can be deleted without a snapshot), plus
# the test VM that Ansible deploys to and the pipeline smoke-tests. Images come from
# the registry the production environment owns.

module "platform" {
  source      = "../../modules/platform"
  environment = "test"

  network = {
    cidr_block              = "10.10.0.0/16"
    single_nat_gateway      = true
    flow_log_retention_days = 30
  }

  cluster = {
    public_access_cidrs  = var.admin_cidrs
    admin_principal_arns = var.cluster_admin_principal_arns
    node_instance_types  = ["t3.medium"]
    node_min_size        = 1
    node_max_size        = 3
  }

  database = {
    instance_class        = "db.t4g.medium"
    multi_az              = false
    backup_retention_days = 1
    deletion_protection   = false
    final_snapshot        = false
  }

  test_vm = {
    allowed_cidrs  = var.admin_cidrs
    ssh_public_key = var.vm_ssh_public_key
    instance_type  = "t3.small"
  }

  create_registry = false
}
