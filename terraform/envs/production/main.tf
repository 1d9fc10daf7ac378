# The production environment: a NAT gateway per zone, a Multi-AZ database with
# deletion protection and a final snapshot, a larger node group, and the image
# registry (the pipeline pushes each commit's images here once; the test environment
# pulls the same tags). No test VM.

module "platform" {
  source      = "../../modules/platform"
  environment = "production"

  network = {
    cidr_block              = "10.20.0.0/16"
    single_nat_gateway      = false
    flow_log_retention_days = 365
  }

  cluster = {
    public_access_cidrs  = var.admin_cidrs
    admin_principal_arns = var.cluster_admin_principal_arns
    node_instance_types  = ["m6i.large", "m5.large"]
    node_min_size        = 3
    node_max_size        = 9
  }

  database = {
    instance_class        = "db.m7g.large"
    allocated_storage     = 50
    max_allocated_storage = 500
    multi_az              = true
    backup_retention_days = 14
    deletion_protection   = true
    final_snapshot        = true
  }

  test_vm         = null
  create_registry = true
}
