# What differs between the environments, side by side: sizes, redundancy, which optional
# parts exist. Everything else is the same code (modules/platform).
#
#   test:       the same platform, smaller and disposable (one NAT gateway, a single-AZ
#               database that can be deleted without a snapshot), plus the test VM that
#               Ansible deploys to and the pipeline smoke-tests; images come from the
#               registry production owns.
#   production: a NAT gateway per zone, a Multi-AZ database with deletion protection and
#               a final snapshot, a larger node group, and the image registry (the
#               pipeline pushes each commit's images there once; test pulls the same
#               tags). No test VM.

locals {
  environments = {
    test = {
      network = {
        cidr_block              = "10.10.0.0/16"
        single_nat_gateway      = true
        flow_log_retention_days = 30
      }
      cluster = {
        node_instance_types = ["t3.medium"]
        node_min_size       = 1
        node_max_size       = 3
      }
      database = {
        instance_class        = "db.t4g.medium"
        multi_az              = false
        backup_retention_days = 1
        deletion_protection   = false
        final_snapshot        = false
      }
      has_test_vm           = true
      test_vm_instance_type = "t3.small"
      create_registry       = false
    }
    production = {
      network = {
        cidr_block              = "10.20.0.0/16"
        single_nat_gateway      = false
        flow_log_retention_days = 365
      }
      cluster = {
        node_instance_types = ["m6i.large", "m5.large"]
        node_min_size       = 3
        node_max_size       = 9
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
      has_test_vm           = false
      test_vm_instance_type = null
      create_registry       = true
    }
  }
  env = local.environments[var.environment]
}
