#!/usr/bin/env bash
# make deploy-vm: deploy this commit's Debian package (make deb) to the test VM with the
# Ansible playbook. The inventory is generated from the test environment's Terraform
# outputs (playbooks/inventories/from-terraform.py). Two database passwords, each from
# its Secrets Manager secret unless already in the environment: the master's
# (db_secret_arn, managed by RDS) into FCGI_USERS_DB_ADMIN_PASSWORD, which only the
# migration sees, and the pools' user's (db_app_secret_arn) into FCGI_USERS_DB_PASSWORD,
# which the playbook writes to the VM. The deploy role needs read access to exactly
# these two (Terraform's vm_deploy_policy_arn).
# Writes the VM's URL to $DEPLOY_OUT/vm-url for make smoke-vm. Needs: AWS credentials,
# the Terraform backend config, VM_SSH_KEY (private key file), VM_KNOWN_HOSTS (the VM's
# host key), terraform, ansible-playbook, aws, jq and dist/fcgi-users_*.deb.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=scripts/pipeline/lib.sh
. scripts/pipeline/lib.sh
out=${DEPLOY_OUT:-build/reports/deploy}

need_cmd terraform "reads the test environment's outputs"
need_cmd ansible-playbook "runs playbooks/site.yml"
need_cmd jq "reads JSON outputs"
[[ -n ${FCGI_USERS_DB_PASSWORD:-} && -n ${FCGI_USERS_DB_ADMIN_PASSWORD:-} ]] ||
	need_cmd aws "reads the database passwords from Secrets Manager"
need_aws
need_backend test
need_file VM_SSH_KEY "private key of the VM's admin user: Jenkins credential VM_SSH_CREDENTIALS_ID"
need_file VM_KNOWN_HOSTS "the VM's SSH host key (known_hosts line): Jenkins credential VM_KNOWN_HOSTS_CREDENTIALS_ID"
debs=(dist/fcgi-users_*.deb)
[[ -f ${debs[-1]} ]] || missing+=("dist/fcgi-users_*.deb (run make deb first)")
stop_if_missing "make deploy-vm"

deb=${debs[-1]} # the highest version: the glob sorts
tf_outputs test "$out/test-outputs.json"
ip=$(output "$out/test-outputs.json" vm_public_ip)
[[ -n $ip ]] || {
	echo "make deploy-vm: the test environment has no vm_public_ip output (terraform apply it first)" >&2
	exit 1
}
playbooks/inventories/from-terraform.py --ssh-key "$VM_SSH_KEY" --known-hosts "$VM_KNOWN_HOSTS" \
	"$out/test-outputs.json" >"$out/inventory-test.yml"

# The password field of a {username, password} secret named by an output; never echoed.
secret_password() {
	local arn region
	arn=$(output "$out/test-outputs.json" "$1")
	region=$(output "$out/test-outputs.json" region)
	[[ -n $arn ]] || {
		echo "make deploy-vm: the test environment has no $1 output (terraform apply it first)" >&2
		exit 1
	}
	aws secretsmanager get-secret-value --region "$region" --secret-id "$arn" \
		--query SecretString --output text | jq -er .password
}
# The master's: the migration connects as it (db_username) and manages the pools' user.
if [[ -z ${FCGI_USERS_DB_ADMIN_PASSWORD:-} ]]; then
	FCGI_USERS_DB_ADMIN_PASSWORD=$(secret_password db_secret_arn)
fi
# The pools' user's (db_app_username): written to the VM for the backend to read.
if [[ -z ${FCGI_USERS_DB_PASSWORD:-} ]]; then
	FCGI_USERS_DB_PASSWORD=$(secret_password db_app_secret_arn)
fi
export FCGI_USERS_DB_ADMIN_PASSWORD FCGI_USERS_DB_PASSWORD

echo "make deploy-vm: deploying $deb to $ip"
ANSIBLE_CONFIG=playbooks/ansible.cfg ansible-playbook -i "$out/inventory-test.yml" \
	-e "app_deb=$PWD/$deb" playbooks/site.yml
echo "http://$ip" >"$out/vm-url"
echo "make deploy-vm: done; make smoke-vm tests http://$ip"
