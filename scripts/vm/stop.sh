#!/usr/bin/env bash
# scripts/vm/stop.sh RUN_DIR: power off the VM that boot.sh started from RUN_DIR, by
# its pid file: `poweroff` over ssh first (a clean shutdown), then SIGTERM, then
# SIGKILL, so no qemu outlives the test. Removes the throwaway overlay.
set -uo pipefail

run=${1:?usage: stop.sh RUN_DIR}
pidfile=$run/qemu.pid
[[ -s $pidfile ]] || exit 0
pid=$(cat "$pidfile")
alive() { kill -0 "$pid" 2>/dev/null && [[ $(ps -o comm= -p "$pid") == qemu-system* ]]; }

if alive; then
	ssh -F "$run/ssh_config" fcgi-vm sudo systemctl poweroff >/dev/null 2>&1 || true
	for _ in $(seq 1 "${VM_STOP_TIMEOUT:-30}"); do
		alive || break
		sleep 1
	done
fi
if alive; then
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 1 10); do
		alive || break
		sleep 1
	done
fi
alive && kill -KILL "$pid" 2>/dev/null
rm -f "$pidfile" "$run/overlay.qcow2"
echo "vm stop: qemu $pid is gone" >&2
