#!/usr/bin/env bash
# deps hook (images): fetch what building the images needs from the network, so that
# make images and make kube-play-check then work offline (make test inside
# /work/tools/isolated, a network namespace with loopback only): the local Debian base
# (debootstrap) and the image layers that install Debian packages, by building the two
# images and kube-play-check's stand-ins once (tag kube-play). Done again only when the
# Dockerfiles, images/test/ or the image scripts change (a stamp under .run/podman);
# otherwise it costs a second. Needs root and podman; else nothing to do here.
set -euo pipefail
cd "$(dirname "$0")/../.."
[[ $(id -u) == 0 ]] && command -v podman >/dev/null 2>&1 || exit 0
stamp=.run/podman/deps.stamp
want=$(cat images/*.Dockerfile images/test/*.Containerfile images/*.conf scripts/images/*.sh | sha256sum | cut -c1-16)
[[ -f $stamp && $(cat "$stamp") == "$want" ]] && exit 0
echo "deps (images): building the base and the images' package layers once (several minutes the first time)"
# Without a network (make test inside the namespace calls make deps too) this cannot
# work: say so and go on; kube-play-check then says SKIPPED with the same advice.
if IMAGE_TAG=kube-play TEST_IMAGES=1 scripts/images/build.sh; then
	echo "$want" >"$stamp"
else
	echo "deps (images): the images could not be built (no network to the apt mirror?): run 'make deps' with a network" >&2
fi
