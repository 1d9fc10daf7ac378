#!/usr/bin/env python3
"""Self-test of scripts/pipeline/deploy-vm.sh (make deploy-vm) without a cloud or a VM:
terraform, aws and ansible-playbook are stand-ins on PATH that answer like the real ones
and record every call. The script runs from a copy of the files it uses (so a fake .deb
in dist/ touches nothing of the checkout). Checks the least-privilege hand-over:
  - the master's password (db_secret_arn) goes to FCGI_USERS_DB_ADMIN_PASSWORD and the
    pools' user's (db_app_secret_arn) to FCGI_USERS_DB_PASSWORD, read from exactly
    those two secrets;
  - the inventory names the master as the migration's admin and the app user as the
    pools' user;
  - neither password is printed, nor on any command line;
  - a missing db_app_secret_arn output stops the deploy before Ansible.
Python 3 standard library only.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
MASTER_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1-AbCdEf"
APP_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:fcgi-users-test-app-user-1-GhIjKl"
MASTER_PW, APP_PW = "master-Pw-7f3a9c", "app-Pw-51be0d"
OUTPUTS = {
    "environment": {"value": "test"}, "region": {"value": "eu-west-1"},
    "vm_public_ip": {"value": "203.0.113.10"}, "vm_ssh_user": {"value": "admin"},
    "db_endpoint": {"value": "users.abc.eu-west-1.rds.amazonaws.com"}, "db_port": {"value": 3306},
    "db_name": {"value": "users"}, "db_username": {"value": "fcgi_admin"},
    "db_secret_arn": {"value": MASTER_ARN},
    "db_app_username": {"value": "users"}, "db_app_secret_arn": {"value": APP_ARN},
}
# Each stand-in logs its command line; aws answers the two secrets by ARN; ansible
# logs the passwords it was given (by name) and keeps the inventory it was handed.
STUB = r"""#!/bin/bash
echo "$(basename "$0") $*" >>"$CALLS"
case "$(basename "$0") $1 $2" in
"terraform -chdir="*) case " $* " in *" output "*) cat "$OUTPUTS_FILE" ;; esac ;;
"aws secretsmanager get-secret-value")
	case " $* " in
	*" $MASTER_ARN "*) echo "{\"username\":\"fcgi_admin\",\"password\":\"$MASTER_PW\"}" ;;
	*" $APP_ARN "*) echo "{\"username\":\"users\",\"password\":\"$APP_PW\"}" ;;
	*) echo "ResourceNotFoundException" >&2; exit 254 ;;
	esac ;;
"ansible-playbook "*)
	echo "ADMIN=${FCGI_USERS_DB_ADMIN_PASSWORD:-} APP=${FCGI_USERS_DB_PASSWORD:-}" >>"$ANSIBLE_ENV"
	while (($#)); do [[ $1 == -i ]] && cp "$2" "$INVENTORY_COPY"; shift; done ;;
esac
exit 0
"""
failures = []


def check(name, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else f": {detail}"))
    if not cond:
        failures.append(name)


def run(tmp, outputs):
    with open(os.path.join(tmp, "outputs.json"), "w") as f:
        json.dump(outputs, f)
    for name in ("calls", "ansible-env"):
        open(os.path.join(tmp, name), "w").close()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FCGI_USERS_DB_")}
    env.update(PATH=os.path.join(tmp, "bin") + ":" + os.environ["PATH"], CALLS=os.path.join(tmp, "calls"),
               OUTPUTS_FILE=os.path.join(tmp, "outputs.json"), ANSIBLE_ENV=os.path.join(tmp, "ansible-env"),
               INVENTORY_COPY=os.path.join(tmp, "inventory.yml"), AWS_ACCESS_KEY_ID="x",
               TF_BACKEND_CONFIG=os.path.join(tmp, "backend.hcl"), DEPLOY_OUT=os.path.join(tmp, "out"),
               VM_SSH_KEY=os.path.join(tmp, "key"), VM_KNOWN_HOSTS=os.path.join(tmp, "known_hosts"),
               MASTER_ARN=MASTER_ARN, APP_ARN=APP_ARN, MASTER_PW=MASTER_PW, APP_PW=APP_PW)
    p = subprocess.run([os.path.join(tmp, "tree", "scripts/pipeline/deploy-vm.sh")], cwd=tmp, env=env,
                       capture_output=True, text=True, timeout=60)
    return p, open(env["CALLS"]).read().splitlines(), open(env["ANSIBLE_ENV"]).read()


with tempfile.TemporaryDirectory() as tmp:
    tree = os.path.join(tmp, "tree")
    for rel in ("scripts/pipeline/deploy-vm.sh", "scripts/pipeline/lib.sh",
                "playbooks/inventories/from-terraform.py"):
        os.makedirs(os.path.dirname(os.path.join(tree, rel)), exist_ok=True)
        shutil.copy2(os.path.join(ROOT, rel), os.path.join(tree, rel))
    os.makedirs(os.path.join(tree, "dist"))
    open(os.path.join(tree, "dist", "fcgi-users_0.1.0_amd64.deb"), "w").close()
    os.makedirs(os.path.join(tmp, "bin"))
    for tool in ("terraform", "aws", "ansible-playbook"):
        path = os.path.join(tmp, "bin", tool)
        with open(path, "w") as f:
            f.write(STUB)
        os.chmod(path, 0o755)
    for name in ("backend.hcl", "key", "known_hosts"):
        open(os.path.join(tmp, name), "w").close()

    p, calls, given = run(tmp, OUTPUTS)
    check("deploy-vm succeeds with the stand-ins", p.returncode == 0, p.stderr[-500:])
    reads = [c for c in calls if c.startswith("aws secretsmanager get-secret-value")]
    check("reads exactly the master's and the app user's secrets",
          len(reads) == 2 and any(MASTER_ARN in c for c in reads) and any(APP_ARN in c for c in reads), reads)
    check("the master's password goes to the migration's variable, the app user's to the pools'",
          given.strip() == f"ADMIN={MASTER_PW} APP={APP_PW}", given)
    # The generator prints a comment line, then JSON (which is YAML).
    inv_path = os.path.join(tmp, "inventory.yml")
    inv = json.loads("".join(l for l in open(inv_path) if not l.startswith("#"))) if os.path.exists(inv_path) else {}
    gv = inv.get("all", {}).get("children", {}).get("fcgi_users", {}).get("vars", {})
    check("the inventory: the master is the admin, users the pools' user",
          gv.get("fcgi_users_db_admin_user") == "fcgi_admin" and gv.get("fcgi_users_db_user") == "users", gv)
    shown = p.stdout + p.stderr + "\n".join(c for c in calls)
    check("no password printed or on a command line", MASTER_PW not in shown and APP_PW not in shown
          and MASTER_PW not in json.dumps(inv) and APP_PW not in json.dumps(inv), shown[-300:])

    no_app = {k: v for k, v in OUTPUTS.items() if k != "db_app_secret_arn"}
    p, calls, given = run(tmp, no_app)
    check("no db_app_secret_arn output: stops before Ansible, naming it",
          p.returncode != 0 and not given and "db_app_secret_arn" in p.stderr, p.stderr[-300:])

print(f"test_deploy_vm: {6 - len(failures)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
