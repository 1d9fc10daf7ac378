#!/usr/bin/env bash
# scripts/images/base.sh: make the local Debian 12 base image that make images builds
# FROM when no registry is reachable (BASE_IMAGE unset): `debootstrap --variant=minbase
# bookworm` from the machine's own apt mirror (scripts/apt-mirror.sh), imported with
# `podman import` (which sets no PATH and no command: given with --change), and tagged
# in the project's podman storage as debian:12 and debian:12-slim, the names the
# Dockerfiles' two stages use. The image is kept there under a key made of this script
# and the mirror, so a rerun costs a second; BASE_REFRESH=1 rebuilds it (security
# updates). Prints the local image name.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=scripts/images/podman.sh
source scripts/images/podman.sh
die() { echo "make images (base): $*" >&2; exit 1; }
why=$(podman_ok)
[[ -z $why ]] || die "$why"
command -v debootstrap >/dev/null || die "debootstrap is not installed (make deps)"

suite=bookworm
mirror=$(scripts/apt-mirror.sh "$suite") || exit 1
security=$(scripts/apt-mirror.sh "$suite-security" 2>/dev/null || true)
key=$(cat "$0" <(echo "$mirror $security") | sha256sum | cut -c1-12)
name=localhost/fcgi-users/debian-base:$key

tag_all() {
	pm tag "$name" docker.io/library/debian:12 docker.io/library/debian:12-slim
	echo "$name"
}
if [[ ${BASE_REFRESH:-0} != 1 ]] && pm image exists "$name"; then
	tag_all
	exit 0
fi

work=$(mktemp -d "$PODMAN_DIR/base.XXXXXX")
cleanup() {
	for m in proc sys dev/pts dev; do
		mountpoint -q "$work/root/$m" 2>/dev/null && umount -l "$work/root/$m"
	done
	rm -rf "$work"
}
trap cleanup EXIT
start=$SECONDS
echo "make images (base): debootstrap --variant=minbase $suite from $mirror (about 30 s)" >&2
debootstrap --variant=minbase "$suite" "$work/root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
	{ tail -n 20 "$work/debootstrap.log" >&2; die "debootstrap failed (no network to $mirror?)"; }
# The sources apt will use in the images' RUN steps: the same mirror, with updates and
# security as the machine has them.
{
	echo "deb $mirror $suite main"
	echo "deb $mirror $suite-updates main"
	[[ -z $security ]] || echo "deb $security $suite-security main"
} >"$work/root/etc/apt/sources.list"
chroot "$work/root" apt-get clean
rm -rf "$work/root/var/lib/apt/lists/"* "$work/root/var/cache/apt/"*.bin "$work/root/var/log/"*.log
mkdir -p "$work/root/var/lib/apt/lists/partial"
tar -C "$work/root" --numeric-owner -c . |
	pm import --quiet --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
		--change 'CMD ["bash"]' --message "debootstrap --variant=minbase $suite ($key)" - "$name" >/dev/null
echo "make images (base): $name built in $((SECONDS - start)) s" >&2
# Older local bases are of no further use.
pm images --format '{{.Repository}}:{{.Tag}}' | grep '^localhost/fcgi-users/debian-base:' |
	grep -vx "$name" | xargs -r podman "${PODMAN_FLAGS[@]}" rmi -f >/dev/null 2>&1 || true
tag_all
