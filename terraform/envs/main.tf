# The one root configuration of both environments: the platform module with the
# settings of var.environment (environments.tf). Which environment a run acts on is
# the variables file (test.tfvars, production.tfvars) and the state it was initialised
# with (<env>.backend.hcl): see terraform/README.md.

module "platform" {
  source      = "../modules/platform"
  environment = var.environment

  network  = local.env.network
  cluster  = merge(local.env.cluster, { public_access_cidrs = var.admin_cidrs, admin_principal_arns = var.cluster_admin_principal_arns })
  database = local.env.database

  test_vm = local.env.has_test_vm ? {
    allowed_cidrs  = var.admin_cidrs
    ssh_public_key = var.vm_ssh_public_key
    instance_type  = local.env.test_vm_instance_type
  } : null

  create_registry = local.env.create_registry
}
