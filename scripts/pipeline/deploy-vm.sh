#!/usr/bin/env bash
# make deploy-vm: deploy this commit's Debian package (make deb) to the test VM with the
# Ansible playbook. The inventory is generated from the test environment's Terraform
# outputs (playbooks/inventories/from-terraform.py); the database password is read
# from the RDS-managed secret in Secrets Manager unless FCGI_USERS_DB_PASSWORD is set.
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
[[ -n ${FCGI_USERS_DB_PASSWORD:-} ]] || need_cmd aws "reads the database password from Secrets Manager"
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

if [[ -z ${FCGI_USERS_DB_PASSWORD:-} ]]; then
	arn=$(output "$out/test-outputs.json" db_secret_arn)
	region=$(output "$out/test-outputs.json" region)
	FCGI_USERS_DB_PASSWORD=$(aws secretsmanager get-secret-value --region "$region" --secret-id "$arn" \
		--query SecretString --output text | jq -r .password)
fi
export FCGI_USERS_DB_PASSWORD

echo "make deploy-vm: deploying $deb to $ip"
ANSIBLE_CONFIG=playbooks/ansible.cfg ansible-playbook -i "$out/inventory-test.yml" \
	-e "app_deb=$PWD/$deb" playbooks/site.yml
echo "http://$ip" >"$out/vm-url"
echo "make deploy-vm: done; make smoke-vm tests http://$ip"
