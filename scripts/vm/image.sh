#!/usr/bin/env bash
# scripts/vm/image.sh: build (once) the throwaway Debian 12 VM that `make vm-test`
# deploys to, and print the directory that holds it. The image is made from Debian's
# packages with debootstrap (from the mirror the host's apt uses), its root file system
# packed into a raw ext4 image with mkfs.ext4 -d (no loop mounts), and booted directly
# with the kernel and initrd from its /boot (no boot loader). It is cached outside the
# repo, keyed by a hash of this script, so a rerun takes no time; a changed script
# builds a new image. Needs root (debootstrap, file ownership in the image).
#
# Cache layout ($VM_CACHE/<key>/): rootfs.raw, vmlinuz, initrd.img, id_ed25519{,.pub}
# (the deploy user's key, generated here, never committed), ssh_host_ed25519_key.pub
# (to pin the VM's host key), mirror (the apt mirror used), build.log.
set -euo pipefail
cd "$(dirname "$0")/../.."

VM_CACHE=${VM_CACHE:-/var/cache/fcgi-users-vm}
VM_USER=${VM_USER:-deploy}
IMAGE_SIZE=${IMAGE_SIZE:-4G}
SUITE=bookworm

die() { echo "vm image: $*" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || die "needs root (debootstrap and file ownership in the image)"
for tool in debootstrap mkfs.ext4 ssh-keygen; do
	command -v "$tool" >/dev/null || die "$tool not found: run 'make deps'"
done

# The mirror the host's apt uses for Debian (scripts/apt-mirror.sh reads deb822 .sources
# and one-line lists); none: stop and say so, never guess a host.
MIRROR=${VM_MIRROR:-$(scripts/apt-mirror.sh "$SUITE")} || exit 1
SECURITY_MIRROR=${VM_SECURITY_MIRROR:-$(scripts/apt-mirror.sh "$SUITE-security" 2>/dev/null || true)}

key=$(sha256sum <"$0" | cut -c1-16)
out=$VM_CACHE/$key
if [[ -s $out/rootfs.raw && -s $out/vmlinuz && -s $out/initrd.img && -s $out/id_ed25519 ]]; then
	echo "$out"
	exit 0
fi

mkdir -p "$VM_CACHE"
work=$(mktemp -d "$VM_CACHE/build.XXXXXX")
cleanup() {
	# A failed debootstrap can leave /proc or /sys mounted in the chroot.
	for m in proc sys dev/pts dev; do
		mountpoint -q "$work/root/$m" 2>/dev/null && umount -l "$work/root/$m"
	done
	rm -rf "$work"
}
trap cleanup EXIT
root=$work/root
log=$work/build.log
echo "vm image: building $out from $MIRROR (a few minutes; log $log)" >&2

start=$SECONDS
# What the playbook needs to reach and drive the VM: sshd, python3 for Ansible, sudo,
# systemd as init with networkd; the kernel and initramfs to boot it directly.
# The app's own packages are NOT preinstalled: the playbook installs the .deb and
# apt pulls its dependencies from the mirror, as on a fresh cloud VM.
if ! debootstrap --variant=minbase --merged-usr \
	--include=systemd,systemd-sysv,udev,dbus,linux-image-amd64,initramfs-tools,openssh-server,python3,python3-apt,sudo,ca-certificates,iproute2,less,procps,netbase \
	"$SUITE" "$root" "$MIRROR" >"$log" 2>&1; then
	tail -n 30 "$log" >&2
	die "debootstrap failed (log above)"
fi
echo "vm image: debootstrap done in $((SECONDS - start))s" >&2

cat >"$root/etc/apt/sources.list" <<SRC
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
SRC
[[ -z $SECURITY_MIRROR ]] || echo "deb $SECURITY_MIRROR $SUITE-security main" >>"$root/etc/apt/sources.list"
echo fcgi-vm >"$root/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 fcgi-vm\n::1 localhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
printf '/dev/vda / ext4 rw,errors=remount-ro 0 1\n' >"$root/etc/fstab"

# qemu user networking: the guest is 10.0.2.15, the host's loopback is reached at the
# gateway 10.0.2.2, and qemu's DNS forwarder is 10.0.2.3. Static, so boot waits for
# no DHCP lease.
mkdir -p "$root/etc/systemd/network"
cat >"$root/etc/systemd/network/10-qemu-user.network" <<'NET'
[Match]
Name=en* eth*

[Network]
Address=10.0.2.15/24
Gateway=10.0.2.2
DNS=10.0.2.3
NET
rm -f "$root/etc/resolv.conf"
echo "nameserver 10.0.2.3" >"$root/etc/resolv.conf"

# The deploy user Ansible logs in as: key only, passwordless sudo.
ssh-keygen -q -t ed25519 -N '' -C "fcgi-users-vm-$key" -f "$work/id_ed25519"
chroot "$root" useradd --create-home --shell /bin/bash "$VM_USER"
install -d -m 0700 "$root/home/$VM_USER/.ssh"
install -m 0600 "$work/id_ed25519.pub" "$root/home/$VM_USER/.ssh/authorized_keys"
chroot "$root" chown -R "$VM_USER:$VM_USER" "/home/$VM_USER/.ssh"
echo "$VM_USER ALL=(ALL) NOPASSWD:ALL" >"$root/etc/sudoers.d/90-$VM_USER"
chmod 0440 "$root/etc/sudoers.d/90-$VM_USER"
cat >"$root/etc/ssh/sshd_config.d/10-vm.conf" <<'SSHD'
PasswordAuthentication no
PermitRootLogin no
UseDNS no
SSHD
# Host keys made now (debootstrap's postinst may have made some already), pinned by
# the runner's known_hosts file.
chroot "$root" ssh-keygen -A >/dev/null
cp "$root/etc/ssh/ssh_host_ed25519_key.pub" "$work/ssh_host_ed25519_key.pub"

chroot "$root" systemctl enable systemd-networkd.service ssh.service >/dev/null 2>&1
# Serial console for `-nographic` boots, and no getty waiting on a tty nobody reads.
chroot "$root" systemctl mask getty@tty1.service >/dev/null 2>&1 || true
chroot "$root" apt-get clean
# No package lists in the image, and nothing claiming they are fresh: the first apt
# run in the VM (the playbook's) fetches them, as on a fresh cloud VM.
rm -rf "$root/var/lib/apt/lists/"* "$root/var/cache/apt/"*.bin "$root/var/lib/apt/periodic/"*
mkdir -p "$root/var/lib/apt/lists/partial"
touch -d @0 "$root/var/lib/apt/lists"

cp -L "$root/vmlinuz" "$work/vmlinuz"
cp -L "$root/initrd.img" "$work/initrd.img"
chmod 0644 "$work/vmlinuz" "$work/initrd.img"

# The root file system straight from the directory: no loop device, no mount.
mkfs.ext4 -q -F -L fcgi-vm -d "$root" "$work/rootfs.raw" "$IMAGE_SIZE" >>"$log" 2>&1 ||
	die "mkfs.ext4 -d failed (see $log)"
echo "$MIRROR" >"$work/mirror"

rm -rf "$root"
cp "$log" "$work/build.log.keep"
rm -rf "$out"
mkdir -p "$out"
mv "$work/rootfs.raw" "$work/vmlinuz" "$work/initrd.img" "$work/id_ed25519" "$work/id_ed25519.pub" \
	"$work/ssh_host_ed25519_key.pub" "$work/mirror" "$out/"
mv "$work/build.log.keep" "$out/build.log"
# Images built by older versions of this script are of no further use.
find "$VM_CACHE" -mindepth 1 -maxdepth 1 -type d -name '????????????????' ! -name "$key" -exec rm -rf {} +
echo "vm image: built in $((SECONDS - start))s" >&2
echo "$out"
