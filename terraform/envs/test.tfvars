# terraform -chdir=terraform/envs plan -var-file=test.tfvars (after init with
# -backend-config=test.backend.hcl). The operator's own values (admin_cidrs,
# vm_ssh_public_key, …) come with -var or a private *.tfvars next to this one.
environment = "test"
