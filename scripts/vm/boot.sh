#!/usr/bin/env bash
# scripts/vm/boot.sh IMAGE_DIR RUN_DIR: boot the cached VM image in the background and
# return once its sshd answers. The cached image is never written: the VM runs on a
# qcow2 overlay in RUN_DIR, thrown away with it. KVM when /dev/kvm is usable, software
# emulation (TCG) otherwise. Forwards 127.0.0.1:$VM_SSH_PORT to the guest's 22 and
# 127.0.0.1:$VM_HTTP_PORT to its 80 (loopback only). Writes in RUN_DIR: qemu.pid,
# console.log, overlay.qcow2, known_hosts, ssh_config (for `ssh -F`).
# Stop it with scripts/vm/stop.sh RUN_DIR.
set -euo pipefail

image=${1:?usage: boot.sh IMAGE_DIR RUN_DIR}
run=${2:?usage: boot.sh IMAGE_DIR RUN_DIR}
VM_SSH_PORT=${VM_SSH_PORT:-18622}
VM_HTTP_PORT=${VM_HTTP_PORT:-18680}
VM_MEMORY=${VM_MEMORY:-2048}
VM_CPUS=${VM_CPUS:-2}
VM_USER=${VM_USER:-deploy}
VM_BOOT_TIMEOUT=${VM_BOOT_TIMEOUT:-300}

die() { echo "vm boot: $*" >&2; exit 1; }
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not found: run 'make deps'"
mkdir -p "$run"
run=$(cd "$run" && pwd)
if [[ -s $run/qemu.pid ]] && kill -0 "$(cat "$run/qemu.pid")" 2>/dev/null; then
	die "a VM already runs from $run (pid $(cat "$run/qemu.pid")): scripts/vm/stop.sh $run"
fi
for port in "$VM_SSH_PORT" "$VM_HTTP_PORT"; do
	if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
		die "127.0.0.1:$port is already in use"
	fi
done

# KVM only when it really runs a guest: a /dev/kvm that opens is not enough (nested
# virtualisation can accept the device and then fail on the first vCPU or hang). The
# probe boots the VM's kernel for a few seconds and looks for its first console line.
kvm_works() {
	{ exec 3<>/dev/kvm; } 2>/dev/null || return 1
	exec 3>&-
	local probe=$run/kvm-probe.log
	rm -f "$probe"
	(timeout 10 qemu-system-x86_64 -enable-kvm -cpu host -m 256 -display none -no-reboot \
		-kernel "$image/vmlinuz" -append "console=ttyS0 panic=-1" \
		-serial "file:$probe" -monitor none >/dev/null 2>&1) &
	local qpid=$!
	for _ in $(seq 1 20); do
		grep -q 'Linux version' "$probe" 2>/dev/null && break
		kill -0 "$qpid" 2>/dev/null || break
		sleep 0.5
	done
	kill "$qpid" 2>/dev/null
	wait "$qpid" 2>/dev/null
	grep -q 'Linux version' "$probe" 2>/dev/null
}
if [[ ${VM_ACCEL:-} == "" ]]; then
	if kvm_works 2>/dev/null; then
		VM_ACCEL=kvm
	else
		echo "vm boot: KVM is not usable here (no /dev/kvm, or a probe guest did not boot): software emulation" >&2
		VM_ACCEL=tcg
	fi
fi
case $VM_ACCEL in
kvm) accel=(-enable-kvm -cpu host) ;;
tcg) accel=(-accel "tcg,thread=multi" -cpu max) ;;
*) die "VM_ACCEL must be kvm or tcg, not '$VM_ACCEL'" ;;
esac

rm -f "$run/overlay.qcow2" "$run/console.log" "$run/qemu.pid"
qemu-img create -q -f qcow2 -F raw -b "$image/rootfs.raw" "$run/overlay.qcow2"
echo "[127.0.0.1]:$VM_SSH_PORT $(cut -d' ' -f1,2 "$image/ssh_host_ed25519_key.pub")" >"$run/known_hosts"
cat >"$run/ssh_config" <<CFG
Host fcgi-vm
	HostName 127.0.0.1
	Port $VM_SSH_PORT
	User $VM_USER
	IdentityFile $image/id_ed25519
	IdentitiesOnly yes
	UserKnownHostsFile $run/known_hosts
	StrictHostKeyChecking yes
	BatchMode yes
	ConnectTimeout 5
	LogLevel ERROR
CFG

start=$SECONDS
qemu-system-x86_64 "${accel[@]}" -m "$VM_MEMORY" -smp "$VM_CPUS" \
	-name fcgi-users-vm -display none -no-reboot \
	-kernel "$image/vmlinuz" -initrd "$image/initrd.img" \
	-append "root=/dev/vda rw console=ttyS0 net.ifnames=0 panic=-1 quiet" \
	-drive "file=$run/overlay.qcow2,if=virtio,format=qcow2,cache=unsafe" \
	-netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$VM_SSH_PORT-:22,hostfwd=tcp:127.0.0.1:$VM_HTTP_PORT-:80" \
	-device virtio-net-pci,netdev=n0 \
	-device virtio-rng-pci \
	-serial "file:$run/console.log" -monitor none \
	-pidfile "$run/qemu.pid" -daemonize ||
	die "qemu did not start (accel $VM_ACCEL)"

echo "vm boot: qemu pid $(cat "$run/qemu.pid") ($VM_ACCEL), waiting for ssh on 127.0.0.1:$VM_SSH_PORT" >&2
until ssh -F "$run/ssh_config" fcgi-vm true 2>/dev/null; do
	if ! kill -0 "$(cat "$run/qemu.pid")" 2>/dev/null; then
		tail -n 30 "$run/console.log" >&2
		die "qemu exited during boot (console above)"
	fi
	if ((SECONDS - start > VM_BOOT_TIMEOUT)); then
		tail -n 30 "$run/console.log" >&2
		die "no ssh after ${VM_BOOT_TIMEOUT}s (console above)"
	fi
	sleep 2
done
echo "vm boot: ssh answers after $((SECONDS - start))s ($VM_ACCEL)" >&2
