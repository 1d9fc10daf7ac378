#!/usr/bin/env bash
# scripts/vm/test.sh (make vm-test): deploy the Debian package to a throwaway Debian 12
# VM with the Ansible playbook, for real, and prove it:
#   1. the VM image (built once, cached outside the repo: scripts/vm/image.sh)
#   2. a throwaway MariaDB on 127.0.0.1 as the VM's "managed" database (db.sh)
#   3. boot the VM under qemu (boot.sh) and generate the inventory from
#      Terraform-shaped outputs (playbooks/inventories/from-terraform.py)
#   4. the playbook's first run (installs, migrates, ends with its smoke test)
#   5. / and /backend from the host through the VM's nginx (forwarded port)
#   6. on the VM: settings files root's 0600, firewall, sandboxed pools under a
#      dynamic user, `systemctl reload` (SIGUSR2) keeps them answering; the
#      migrations' rows in the database
#   7. least privilege: the pools log in as the app user the migration made (the
#      database's process list), the master's password is in no file on the VM and in
#      no pool's environment, the pools' password file is readable by the backend's
#      user and not the frontend's, the app user cannot change the schema, and a
#      password change (file rewritten, ALTER USER, connections killed) keeps the API
#      answering with no restart
#   8. the playbook's second run (with the new password) must report changed=0
#   9. power the VM off
# Nothing outlives it: an EXIT trap stops qemu and MariaDB by their pid files.
# Expects the .deb in dist/ (make vm-test runs make deb first).
set -euo pipefail
cd "$(dirname "$0")/../.."

RUN_DIR=${RUN_DIR:-.run/dev-vm}
export VM_SSH_PORT=${VM_SSH_PORT:-18622} VM_HTTP_PORT=${VM_HTTP_PORT:-18680} VM_DB_PORT=${VM_DB_PORT:-18633}
die() { echo "vm-test: FAILED: $*" >&2; exit 1; }

if [[ $(id -u) -ne 0 ]]; then
	echo "SKIPPED: make vm-test needs root (debootstrap builds the VM image)"
	exit 0
fi
for tool in qemu-system-x86_64 ansible-playbook ssh curl mariadbd; do
	command -v "$tool" >/dev/null || die "$tool not found: run 'make deps'"
done
shopt -s nullglob
debs=(dist/fcgi-users_*.deb)
((${#debs[@]} == 1)) || die "expected one dist/fcgi-users_*.deb, found ${#debs[@]}: run 'make deb'"

mkdir -p "$RUN_DIR"
RUN_DIR=$(cd "$RUN_DIR" && pwd)
vm=$RUN_DIR/vm
stream=
cleanup() {
	local rc=$? sock
	# The rotation's request stream, if a failure left it running.
	[[ -n $stream ]] && kill "$stream" 2>/dev/null
	# Ansible's persistent ssh connections (ControlPersist) go first.
	for sock in "$RUN_DIR"/cp/*; do
		[[ -S $sock ]] && ssh -o ControlPath="$sock" -O exit fcgi-vm >/dev/null 2>&1
	done
	scripts/vm/stop.sh "$vm" 2>/dev/null || true
	scripts/vm/db.sh stop "$RUN_DIR" || true
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

declare -a timings=()
t_all=$SECONDS
step() { t_step=$SECONDS; echo; echo "==> vm-test: $*"; }
done_step() { timings+=("$(printf '%-28s %5ss' "$1" $((SECONDS - t_step)))"); }

step "VM image"
image=$(scripts/vm/image.sh)
done_step "image (build or cache)"

step "throwaway database on 127.0.0.1:$VM_DB_PORT"
# Two database users, as Terraform gives them: the master (RDS's, here db.sh's
# fcgi_admin), which only the migration uses, and the pools' app user, which the
# migration creates with the password the deployer hands over.
FCGI_USERS_DB_ADMIN_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr '/+' '_-')
FCGI_USERS_DB_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr '/+' '_-')
export FCGI_USERS_DB_ADMIN_PASSWORD FCGI_USERS_DB_PASSWORD
app_user=users
# The first editor, as a deployer gives it: a name and a password in the environment.
FCGI_USERS_FIRST_EDITOR_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr '/+' '_-')
export FCGI_USERS_FIRST_EDITOR_PASSWORD
scripts/vm/db.sh start "$RUN_DIR"
done_step "database start"

step "boot the VM"
scripts/vm/boot.sh "$image" "$vm"
done_step "boot to ssh"

# Terraform's outputs as `terraform output -json` gives them, for this VM: the same
# generator makes the cloud inventory.
cat >"$RUN_DIR/terraform-outputs.json" <<JSON
{
  "vm_public_ip": {"value": "127.0.0.1"},
  "vm_ssh_user": {"value": "${VM_USER:-deploy}"},
  "db_endpoint": {"value": "10.0.2.2:$VM_DB_PORT"},
  "db_name": {"value": "users"},
  "db_username": {"value": "fcgi_admin"},
  "db_app_username": {"value": "$app_user"}
}
JSON
# The database is verified as in production (VERIFY_IDENTITY, its CA copied to the
# VM); time comes from qemu's gateway (no internet NTP).
playbooks/inventories/from-terraform.py "$RUN_DIR/terraform-outputs.json" \
	--host-name fcgi-vm --ssh-port "$VM_SSH_PORT" --ssh-key "$image/id_ed25519" \
	--known-hosts "$vm/known_hosts" \
	--var "fcgi_users_db_ca_bundle=$RUN_DIR/db/tls/ca.pem" --var 'base_ntp_servers=["10.0.2.2"]' \
	>"$RUN_DIR/inventory.yml"

export ANSIBLE_CONFIG=$PWD/playbooks/ansible.cfg ANSIBLE_FORCE_COLOR=0 ANSIBLE_NOCOLOR=1
export ANSIBLE_LOCAL_TEMP=$RUN_DIR/ansible-tmp ANSIBLE_SSH_CONTROL_PATH_DIR=$RUN_DIR/cp
# Under software emulation on a loaded machine sudo's first answer took longer than
# Ansible's 10 s connection timeout ("Timeout (12s) waiting for privilege escalation
# prompt"): the emulated VM is slow, not broken, so the test waits longer.
export ANSIBLE_TIMEOUT=${ANSIBLE_TIMEOUT:-60}
play() {
	ansible-playbook -i "$RUN_DIR/inventory.yml" -e migrate_first_editor=vm-editor \
		playbooks/site.yml 2>&1 | tee "$RUN_DIR/$1.log"
	return "${PIPESTATUS[0]}"
}
recap() { grep -A2 '^PLAY RECAP' "$RUN_DIR/$1.log" | grep -E 'ok=' || true; }

step "playbook, first run"
play play-1 || die "the first playbook run failed (log: $RUN_DIR/play-1.log)"
done_step "playbook run 1"

step "from the host through the VM's nginx (127.0.0.1:$VM_HTTP_PORT)"
base=http://127.0.0.1:$VM_HTTP_PORT
home=$(curl -fsS --max-time 20 "$base/") || die "GET / through the VM failed"
grep -q 'Here are our users' <<<"$home" || die "GET / does not list the users: ${home:0:300}"
api=$(curl -fsS --max-time 20 "$base/backend") || die "GET /backend through the VM failed"
grep -q '"userName":"Bob"' <<<"${api// /}" || die "GET /backend has no Bob: ${api:0:300}"
echo "host: GET / 200 lists the users; GET /backend 200: ${api:0:120}"
# Writes are for editors: anonymous 401; the first editor the playbook added writes.
code=$(curl -sS -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
	-d '{"userName":"vm-anon"}' "$base/api/v1/users")
[[ $code == 401 ]] || die "an anonymous POST /api/v1/users answered $code, not 401"
token=$(jq -n --arg p "$FCGI_USERS_FIRST_EDITOR_PASSWORD" '{name: "vm-editor", password: $p}' |
	curl -fsS -X POST -H 'Content-Type: application/json' --data-binary @- "$base/api/v1/sessions" |
	jq -r .token) || die "the first editor cannot sign in through the VM"
made=$(curl -fsS -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
	-d '{"userName":"vm-editor-write"}' "$base/api/v1/users") || die "the first editor cannot write"
curl -fsS -o /dev/null -X DELETE -H "Authorization: Bearer $token" "$base/api/v1/users/$(jq -r .id <<<"$made")" ||
	die "the first editor cannot delete"
echo "host: anonymous writes 401; the first editor (from the deployer's secret) signs in and writes"
done_step "host checks"

step "on the VM: files, firewall, sandbox, reload"
# One remote command line (ssh hands it to the VM's shell as one string); vmin also
# hands over its standard input (secrets go that way, never on a command line).
vmsh() { ssh -n -F "$vm/ssh_config" fcgi-vm "$1"; }
vmin() { ssh -F "$vm/ssh_config" fcgi-vm "$1"; }
# Settings and secrets are root's alone.
modes=$(vmsh "sudo stat -c '%a %U %n' /etc/fcgi-users/backend.env /etc/fcgi-users/frontend.env /etc/fcgi-users/secret_key") ||
	die "cannot stat the settings files"
echo "$modes"
[[ $(grep -c '^600 root ' <<<"$modes") == 3 ]] || die "settings files are not root's 0600: $modes"
# The firewall drops inbound traffic except ssh and http.
rules=$(vmsh "sudo nft list chain inet filter input") || die "no nftables input chain"
if ! grep -q 'policy drop' <<<"$rules" || ! grep -Eq 'tcp dport \{ 22, 80 \} accept' <<<"$rules"; then
	die "the firewall is not as configured: $rules"
fi
echo "firewall: input policy drop, tcp 22 and 80 open"
# Both pools run sandboxed, under a dynamic (non-root) user, from their sockets.
for pool in backend frontend; do
	show=$(vmsh "systemctl show -p ActiveState -p DynamicUser -p ProtectSystem -p NoNewPrivileges -p MainPID fcgi-users-$pool.service")
	grep -q '^ActiveState=active' <<<"$show" || die "fcgi-users-$pool is not active: $show"
	for want in DynamicUser=yes ProtectSystem=strict NoNewPrivileges=yes; do
		grep -qx "$want" <<<"$show" || die "fcgi-users-$pool is not sandboxed ($want): $show"
	done
	pid=$(sed -n 's/^MainPID=//p' <<<"$show")
	user=$(vmsh "ps -o user= -p $pid") || die "fcgi-users-$pool: no process $pid"
	[[ -n $user && $user != root ]] || die "fcgi-users-$pool runs as '$user'"
	echo "fcgi-users-$pool: active, sandboxed, runs as user $user (dynamic, not root)"
done
# systemctl reload is SIGUSR2, the graceful rolling reload: the pools keep answering.
vmsh "sudo systemctl reload fcgi-users-backend.service fcgi-users-frontend.service" ||
	die "systemctl reload failed"
curl -fsS --max-time 20 "$base/backend" >/dev/null || die "GET /backend failed after systemctl reload"
curl -fsS --max-time 20 "$base/" >/dev/null || die "GET / failed after systemctl reload"
echo "systemctl reload (SIGUSR2): both pools still answer"
# Type=notify: `systemctl restart` returns only once the master told systemd READY,
# i.e. its workers can answer. So the very first requests after it, with no retry,
# must succeed: the master's own /-/ping and /metrics (METRICS_LISTEN, loopback), and
# a worker's answer through nginx. systemd shows the pool's STATUS line.
# The VM has no curl (the playbook installs only what the service needs); Python is
# there (Ansible needs it), so a three-line GET goes over first.
getpy=$(base64 -w0 <<'PY'
import sys, urllib.request
r = urllib.request.urlopen(sys.argv[1], timeout=2)  # raises (exit 1) on errors and non-2xx
body = r.read().decode()
print(r.status if sys.argv[2:] else body, end="\n" if sys.argv[2:] else "")
PY
)
vmsh "echo $getpy | base64 -d >/tmp/vm-test-get.py" || die "cannot copy the GET helper to the VM"
for pool in backend:9100 frontend:9101; do
	name=${pool%:*} port=${pool#*:}
	out=$(vmsh "sudo systemctl restart fcgi-users-$name.service &&
		python3 /tmp/vm-test-get.py http://127.0.0.1:$port/-/ping &&
		python3 /tmp/vm-test-get.py http://127.0.0.1:$port/metrics | grep -c '^fcgi_pool_idle_processes{pool=\"$name\"}' &&
		python3 /tmp/vm-test-get.py http://127.0.0.1/$([[ $name == backend ]] && echo api/v1/health || echo -/ping) code &&
		systemctl show -p Type -p StatusText fcgi-users-$name.service") ||
		die "fcgi-users-$name: not answering right after systemctl restart returned: $out"
	if ! grep -qx pong <<<"$out" || ! grep -qx 200 <<<"$out" || ! grep -qx 'Type=notify' <<<"$out" ||
		! grep -q '^StatusText=.* idle, .* active of .* workers' <<<"$out"; then
		die "fcgi-users-$name after systemctl restart: $out"
	fi
	echo "fcgi-users-$name: Type=notify; right after systemctl restart: /-/ping pong, /metrics, a worker answers 200; $(grep '^StatusText=' <<<"$out")"
done
# nginx runs under SCHED_BATCH (the nginx role's nginx_sched_policy, a systemd drop-in),
# its workers too: they inherit it from the master.
# shellcheck disable=SC2016 # expanded on the VM
out=$(vmsh 'for p in /proc/[0-9]*; do [ "$(cat "$p/comm" 2>/dev/null)" = nginx ] && chrt -p "${p#/proc/}"; done; true') ||
	die "cannot read nginx's scheduling policy on the VM: $out"
n_all=$(grep -c 'scheduling policy' <<<"$out" || true)
n_batch=$(grep -c 'scheduling policy: SCHED_BATCH' <<<"$out" || true)
((n_all >= 2 && n_batch == n_all)) || die "nginx's processes are not all under SCHED_BATCH: $out"
echo "nginx: master and $((n_all - 1)) workers under SCHED_BATCH"
# The migration ran against the "managed" database: its rows are there.
rows=$(mariadb --no-defaults --socket="$RUN_DIR/db/mysql.sock" -N -e \
	'SELECT (SELECT COUNT(*) FROM users.schema_migrations), (SELECT COUNT(*) FROM users.users)')
echo "database on the host: migrations applied, users: $rows"
read -r n_migrations n_users <<<"$rows"
((n_migrations >= 1 && n_users >= 5)) || die "the database was not migrated and seeded: $rows"
done_step "VM checks"

step "least privilege: the pools' database user, the master's password, a rotation"
# SQL on the host's database as its root (unix socket), and as the app user over TCP
# with TLS like the VM (the certificate names 10.0.2.2, so it is not verified here).
rootsql() { mariadb --no-defaults --socket="$RUN_DIR/db/mysql.sock" -N -e "$1"; }
appsql() {
	MYSQL_PWD=$1 mariadb --no-defaults --host=127.0.0.1 --port="$VM_DB_PORT" --ssl \
		--user="$app_user" -N -e "$2" 2>&1
}
# Who the pools are to the database: every connection but ours (the backend's workers
# keep theirs open after the requests above).
curl -fsS --max-time 20 "$base/api/v1/users?limit=1" >/dev/null || die "GET /api/v1/users failed"
logins=$(rootsql "SELECT USER, COUNT(*) FROM information_schema.PROCESSLIST
	WHERE ID <> CONNECTION_ID() AND COMMAND <> 'Daemon' AND USER NOT IN ('system user', 'event_scheduler')
	GROUP BY USER")
echo "database logins now: $(tr '\t\n' ': ' <<<"$logins")"
[[ -n $logins && $(cut -f1 <<<"$logins" | sort -u) == "$app_user" ]] ||
	die "the pools are not logged in as the app user $app_user alone: $logins"
grants=$(rootsql "SHOW GRANTS FOR '$app_user'@'%'")
# shellcheck disable=SC2016 # the backquotes are SHOW GRANTS' quoting, not a command
grep -q 'GRANT SELECT, INSERT, UPDATE, DELETE ON `users`.`users`' <<<"$grants" ||
	die "the app user lacks row access to users: $grants"
if grep -Eq 'ALL PRIVILEGES|CREATE|DROP|ALTER|GRANT OPTION|ON \*\.\* TO .*(SELECT|INSERT)' <<<"$grants"; then
	die "the app user holds more than rows: $grants"
fi
# The app user reads rows and cannot touch the schema (1142: command denied).
[[ $(appsql "$FCGI_USERS_DB_PASSWORD" 'SELECT COUNT(*) > 0 FROM users.users') == 1 ]] ||
	die "the app user cannot read users.users"
for ddl in 'CREATE TABLE users.vm_probe (i INT)' 'DROP TABLE users.users' \
	'ALTER TABLE users.users ADD COLUMN vm_probe INT' 'TRUNCATE TABLE users.users' \
	"CREATE USER 'vm_probe'@'%'"; do
	out=$(appsql "$FCGI_USERS_DB_PASSWORD" "$ddl") && die "the app user may run: $ddl"
	grep -Eq 'ERROR (1142|1227)' <<<"$out" || die "'$ddl' as the app user failed otherwise: $out"
done
echo "the pools log in as $app_user (row access only); CREATE/DROP/ALTER/TRUNCATE/CREATE USER refused"
# The master's password: in no file on the VM (the migration had it in its environment
# only) and in no pool process's environment; the pools' URI names the app user.
found=$(printf '%s\n' "$FCGI_USERS_DB_ADMIN_PASSWORD" | vmin "sudo grep -rlsF -D skip -f - /etc /run /tmp /var/tmp \
	/var/lib /var/log /var/cache/fcgi-users /root /home /usr/share/fcgi-users || true")
[[ -z $found ]] || die "the master's password is on the VM's disk: $found"
for pool in backend frontend; do
	cg=$(vmsh "systemctl show -p ControlGroup --value fcgi-users-$pool.service")
	envs=$(vmsh "for p in \$(cat /sys/fs/cgroup$cg/cgroup.procs); do sudo cat /proc/\$p/environ | tr '\\0' '\\n'; echo; done")
	[[ -n $envs ]] || die "fcgi-users-$pool: no process environment to check"
	! grep -qF -- "$FCGI_USERS_DB_ADMIN_PASSWORD" <<<"$envs" || die "fcgi-users-$pool's environment holds the master's password"
	! grep -qF -- "$FCGI_USERS_DB_PASSWORD" <<<"$envs" || die "fcgi-users-$pool's environment holds a database password"
	if [[ $pool == backend ]] && ! grep -q "^DATABASE_URI=mysql://$app_user@" <<<"$envs"; then
		die "the backend's DATABASE_URI is not the app user's, without a password: $(grep '^DATABASE_URI=' <<<"$envs" | head -1)"
	fi
done
# The password file, as each pool's own user (its uid, gid and groups, no privileges):
# the backend reads it, the frontend does not; neither reads the root-only settings.
pwfile=/etc/fcgi-users-database/app-password
modes=$(vmsh "sudo stat -c '%a %U %G %n' /etc/fcgi-users-database $pwfile")
echo "$modes"
if ! grep -qx "750 root fcgi-users-db /etc/fcgi-users-database" <<<"$modes" ||
	! grep -qx "640 root fcgi-users-db $pwfile" <<<"$modes"; then
	die "the password file is not root:fcgi-users-db 0640 in a 0750 folder: $modes"
fi
as_pool() { # as_pool POOL COMMAND: COMMAND as the pool's main process's uid, gid and groups
	local pid ids
	pid=$(vmsh "systemctl show -p MainPID --value fcgi-users-$1.service")
	ids=$(vmsh "awk '/^Uid:/{u=\$2} /^Gid:/{g=\$2} /^Groups:/{\$1=\"\"; s=\$0} END{gsub(/^ +| +$/,\"\",s); gsub(/ +/,\",\",s); print u, g, s}' /proc/$pid/status")
	read -r uid gid groups <<<"$ids"
	vmsh "sudo setpriv --reuid=$uid --regid=$gid ${groups:+--groups=$groups}${groups:---clear-groups} $2"
}
[[ $(as_pool backend "cat $pwfile") == "$FCGI_USERS_DB_PASSWORD" ]] || die "the backend's user cannot read $pwfile"
as_pool frontend "cat $pwfile" >/dev/null 2>&1 && die "the frontend's user can read $pwfile"
as_pool backend "cat /etc/fcgi-users/backend.env" >/dev/null 2>&1 && die "the backend's user can read backend.env"
echo "the master's password: on no file of the VM, in no pool's environment; $pwfile: the backend's user reads it, the frontend's does not"

# Rotation, as the runbook says: the new password into the file first (by a rename, as
# the playbook writes it), then onto the account, then every app connection killed so
# each worker must log in again. A request stream runs through it all; nothing restarts.
old_pw=$FCGI_USERS_DB_PASSWORD
new_pw=$(head -c 18 /dev/urandom | base64 | tr '/+' '_-')
main_before=$(vmsh "systemctl show -p MainPID --value fcgi-users-backend.service")
since=$(vmsh "date +%s")
codes=$RUN_DIR/rotation-codes
: >"$codes"
(
	while [[ ! -e $codes.stop ]]; do
		curl -s -o /dev/null -w '%{http_code}\n' --max-time 20 "$base/api/v1/users?limit=1" >>"$codes" || true
	done
) &
stream=$!
sleep 3
printf '%s\n' "$new_pw" | vmin "sudo sh -c 'umask 027 && cat >$pwfile.new && chgrp fcgi-users-db $pwfile.new &&
	chmod 0640 $pwfile.new && mv -f $pwfile.new $pwfile'" || die "cannot rewrite $pwfile"
rootsql "ALTER USER '$app_user'@'%' IDENTIFIED BY '$new_pw'"
killed=$(rootsql "SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '$app_user'")
for id in $killed; do rootsql "KILL $id" 2>/dev/null || true; done
sleep 5
for _ in 1 2 3 4 5 6 7 8; do
	curl -fsS --max-time 20 "$base/api/v1/users?limit=1" >/dev/null || die "GET /api/v1/users failed after the rotation"
done
touch "$codes.stop"
wait "$stream" || true
stream=
rm -f "$codes.stop"
total=$(wc -l <"$codes")
bad=$(grep -vc '^200$' "$codes" || true)
((total >= 3 && bad == 0)) || die "rotation: $bad of $total requests did not answer 200: $(sort "$codes" | uniq -c | tr '\n' ' ')"
curl -fsS --max-time 20 "$base/api/v1/ready" >/dev/null || die "not ready after the rotation"
main_after=$(vmsh "systemctl show -p MainPID --value fcgi-users-backend.service")
[[ $main_before == "$main_after" ]] || die "the backend restarted during the rotation ($main_before -> $main_after)"
relogins=$(rootsql "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '$app_user'")
((relogins >= 1)) || die "no app connection after the rotation"
# The journal is read into a variable, not piped into grep -q: under pipefail that pipe
# fails whenever grep quits at its match while ssh still writes (a CI run failed here so).
# journald may also lag a little behind the workers under emulation: a few tries.
reread=
for _ in 1 2 3 4 5; do
	journal=$(vmsh "sudo journalctl -q -o cat -u fcgi-users-backend.service --since @$since") ||
		die "cannot read the backend's journal"
	reread=$(grep -m1 'DATABASE_PASSWORD_FILE holds now' <<<"$journal" || true)
	[[ -n $reread ]] && break
	sleep 2
done
[[ -n $reread ]] || die "the backend did not log re-reading its password file; its database lines since the" \
	"rotation began: $(grep -i 'database\|password' <<<"$journal" | tail -n 8 || true)"
out=$(appsql "$old_pw" 'SELECT 1') && die "the old app password still logs in"
grep -q 'ERROR 1045' <<<"$out" || die "the old app password failed otherwise: $out"
echo "rotation: file rewritten, ALTER USER, $(wc -w <<<"$killed") connections killed: $total requests all 200," \
	"the backend (pid $main_after) re-read its file without a restart; the old password is refused"
# The deployer's secret now holds the new password: the second run finds it in place.
FCGI_USERS_DB_PASSWORD=$new_pw
done_step "least privilege"

step "playbook, second run (must change nothing)"
play play-2 || die "the second playbook run failed (log: $RUN_DIR/play-2.log)"
second=$(recap play-2)
grep -q 'changed=0 ' <<<"$second" || die "the second run changed something: $second"
done_step "playbook run 2"

step "power off"
scripts/vm/stop.sh "$vm"
done_step "power off"

echo
echo "==> vm-test: timings"
printf '  %s\n' "${timings[@]}"
printf '  %-28s %5ss\n' "total" $((SECONDS - t_all))
echo "first run:  $(recap play-1)"
echo "smoke test: $(grep -o 'SMOKE OK[^"]*' "$RUN_DIR/play-1.log" | tail -n 1)"
echo "second run: $second"
echo "vm-test: PASSED (second run changed=0)"
