#!/usr/bin/env bash
# scripts/vm/ansible-check.sh (make ansible-check, part of make test): the playbooks
# pass yamllint (playbooks/.yamllint) and ansible-lint's production profile
# (playbooks/.ansible-lint), and site.yml passes ansible-playbook's syntax check.
set -euo pipefail
cd "$(dirname "$0")/../../playbooks"

for tool in yamllint ansible-lint ansible-playbook; do
	if ! command -v "$tool" >/dev/null; then
		echo "SKIPPED: ansible-check: $tool is not installed (make deps installs it)"
		exit 0
	fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export ANSIBLE_CONFIG=$PWD/ansible.cfg ANSIBLE_NOCOLOR=1 ANSIBLE_LOCAL_TEMP=$tmp/ansible

echo "-- yamllint"
yamllint --strict -c .yamllint .
echo "-- ansible-playbook --syntax-check"
echo '{"all":{"children":{"fcgi_users":{"hosts":{"check":{}}}}}}' >"$tmp/inventory.json"
ansible-playbook --syntax-check -i "$tmp/inventory.json" site.yml
echo "-- ansible-lint (production profile)"
ansible-lint --nocolor --profile production -c .ansible-lint site.yml roles
echo "ansible-check: ok"
