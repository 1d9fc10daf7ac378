# terraform -chdir=terraform/envs plan -var-file=production.tfvars (after init with
# -backend-config=production.backend.hcl). The operator's own values (admin_cidrs, …)
# come with -var or a private *.tfvars next to this one.
environment = "production"
