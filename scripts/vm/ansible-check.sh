#!/usr/bin/env bash
# scripts/vm/ansible-check.sh (make ansible-check, part of make test): the playbooks
# pass yamllint (playbooks/.yamllint) and ansible-lint's production profile
# (playbooks/.ansible-lint), site.yml passes ansible-playbook's syntax check, and the
# inventory generator turns Terraform's outputs into the inventory Ansible reads.
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
echo "-- inventory from terraform outputs (inventories/from-terraform.py)"
# The shape of the test environment's `terraform -chdir=terraform/envs output -json`.
cat >"$tmp/outputs.json" <<'JSON'
{"vm_public_ip": {"sensitive": false, "type": "string", "value": "203.0.113.10"},
 "vm_ssh_user": {"sensitive": false, "type": "string", "value": "admin"},
 "db_endpoint": {"sensitive": false, "type": "string", "value": "users.abc.eu-west-1.rds.amazonaws.com"},
 "db_port": {"sensitive": false, "type": "number", "value": 3306},
 "db_name": {"sensitive": false, "type": "string", "value": "users"},
 "db_username": {"sensitive": false, "type": "string", "value": "fcgi_admin"},
 "db_secret_arn": {"sensitive": false, "type": "string", "value": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds-x"},
 "db_app_username": {"sensitive": false, "type": "string", "value": "users"},
 "db_app_secret_arn": {"sensitive": false, "type": "string", "value": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:app-x"}}
JSON
inventories/from-terraform.py "$tmp/outputs.json" >"$tmp/inventory.yml"
ansible-inventory -i "$tmp/inventory.yml" --host test-vm >"$tmp/host.json"
python3 - "$tmp/host.json" <<'PY'
import json, sys
h = json.load(open(sys.argv[1]))
want = {"ansible_host": "203.0.113.10", "ansible_user": "admin",
        "fcgi_users_db_host": "users.abc.eu-west-1.rds.amazonaws.com", "fcgi_users_db_port": 3306,
        "fcgi_users_db_name": "users",
        # the RDS master is the migration's admin; the pools get the app user
        "fcgi_users_db_admin_user": "fcgi_admin", "fcgi_users_db_user": "users",
        "fcgi_users_db_secret_arn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:app-x"}
bad = {k: (h.get(k), v) for k, v in want.items() if h.get(k) != v}
if bad or "password" in json.dumps(h).lower():
    sys.exit(f"from-terraform.py: wrong inventory: {bad or 'holds a password'}")
PY
# host:port endpoints split; a missing output is named, exit 2.
inv=$(echo '{"vm_public_ip":{"value":"198.51.100.7"},"db_endpoint":{"value":"db.internal:3307"}}' |
	inventories/from-terraform.py)
grep -q '"fcgi_users_db_port": 3307' <<<"$inv" ||
	{ echo "from-terraform.py: host:port endpoint not split" >&2; exit 1; }
rc=0
echo '{"db_endpoint":{"value":"db"}}' | inventories/from-terraform.py >/dev/null 2>"$tmp/err" || rc=$?
if [[ $rc != 2 ]] || ! grep -q 'vm_public_ip' "$tmp/err"; then
	echo "from-terraform.py: a missing vm_public_ip must exit 2 naming it (got $rc: $(cat "$tmp/err"))" >&2
	exit 1
fi
rc=0
echo '{"vm_public_ip":{"value":"198.51.100.7"},"db_endpoint":{"value":"db"},"db_username":{"value":"u"},"db_app_username":{"value":"u"}}' |
	inventories/from-terraform.py >/dev/null 2>"$tmp/err" || rc=$?
if [[ $rc != 2 ]] || ! grep -q 'same user' "$tmp/err"; then
	echo "from-terraform.py: the admin as the pools' user must exit 2 (got $rc: $(cat "$tmp/err"))" >&2
	exit 1
fi
echo "from-terraform.py: ok"
echo "-- secrets and TLS (issue 15 k, d)"
# A task whose environment or arguments carry the database URI (it holds the password)
# must not log; the database's TLS is verified by default, as in the chart.
python3 - <<'PY'
import glob, re, sys, yaml
bad = []
pw_tasks = 0
for path in glob.glob("roles/*/tasks/*.yml"):
    for task in yaml.safe_load(open(path)) or []:
        text = yaml.safe_dump({k: v for k, v in task.items() if k not in ("name", "no_log")})
        env = yaml.safe_dump(task.get("environment") or {})
        uses_secret = re.search(r"\{\{[^}]*fcgi_users_db_(admin_)?(uri|password)\b", text)
        if (uses_secret or "password" in env.lower()) and task.get("no_log") is not True:
            bad.append(f"{path}: task '{task.get('name')}' handles the database password without no_log: true")
        # A task's environment goes on the remote command line (sudo logs it): no
        # password there, ever; a secret goes as a module argument (stdin:, content:).
        if re.search(r"\{\{[^}]*_password(\s|\||\}|$)", env):
            bad.append(f"{path}: task '{task.get('name')}' puts a password in its environment (the remote command line)")
        # The pools' password file: readable by the backend's group, rewritten in place
        # on rotation, never restarting a pool (the backend re-reads it on error 1045).
        copy = task.get("ansible.builtin.copy") or {}
        if copy.get("dest") == "{{ fcgi_users_db_password_file }}":
            if copy.get("mode") != "0640" or copy.get("group") != "{{ fcgi_users_db_password_group }}" or "notify" in task:
                bad.append(f"{path}: the pools' password file must be 0640, group fcgi_users_db_password_group, and notify no restart")
            pw_tasks += 1
if pw_tasks != 1:
    bad.append("no single task writes fcgi_users_db_password_file")
# Least privilege: the pools' settings carry no password, the admin's nowhere on the VM.
env_tpl = open("roles/app/templates/backend.env.j2").read()
for word in ("fcgi_users_db_password }}", "fcgi_users_db_admin"):
    if word in env_tpl:
        bad.append(f"roles/app/templates/backend.env.j2 names {word}: the pools' settings hold no password")
if "DATABASE_PASSWORD_FILE={{ fcgi_users_db_password_file }}" not in env_tpl:
    bad.append("roles/app/templates/backend.env.j2: no DATABASE_PASSWORD_FILE (the pools' password, re-read on rotation)")
unit = open("../packaging/systemd/fcgi-users-backend.service").read()
if "SupplementaryGroups=fcgi-users-db" not in unit:
    bad.append("packaging/systemd/fcgi-users-backend.service does not join fcgi-users-db (the password file's group)")
d = yaml.safe_load(open("roles/app/defaults/main.yml"))
for uri in ("fcgi_users_db_uri", "fcgi_users_db_admin_uri"):
    if "password" in d.get(uri, ""):
        bad.append(f"roles/app/defaults/main.yml: {uri} carries a password (it goes into an environment)")
if d.get("fcgi_users_db_ssl_mode") != "VERIFY_IDENTITY":
    bad.append(f"roles/app/defaults/main.yml: fcgi_users_db_ssl_mode is {d.get('fcgi_users_db_ssl_mode')}, not VERIFY_IDENTITY (the chart verifies)")
if "ssl-ca=" not in d.get("fcgi_users_db_address", "") or "fcgi_users_db_address" not in d.get("fcgi_users_db_uri", ""):
    bad.append("roles/app/defaults/main.yml: fcgi_users_db_uri passes no ssl-ca (fcgi_users_db_address)")
if bad:
    sys.exit("\n".join(bad))
print("no_log on every task with a database password; the pools' settings hold none, their password file is")
print("0640 for the backend's group and rewritten without a restart; TLS VERIFY_IDENTITY with a CA by default")
PY
echo "-- ansible-lint (production profile)"
ansible-lint --nocolor --profile production -c .ansible-lint site.yml roles
echo "ansible-check: ok"
