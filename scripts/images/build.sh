#!/usr/bin/env bash
# scripts/images/build.sh (make images): build images/backend.Dockerfile and
# images/frontend.Dockerfile with the project's rootful podman (scripts/images/podman.sh:
# configuration and storage under .run/podman, nothing in /etc), tagged
# $IMAGE_REGISTRY/<svc>:$IMAGE_TAG. Without BASE_IMAGE both stages build FROM the local
# debootstrap base (scripts/images/base.sh, cached), and nothing is pulled; with
# BASE_IMAGE (a registry's debian:12-slim, pinned by digest) both stages use it
# (BUILD_IMAGE overrides the build stage's). RUN steps use the host's network (the apt
# mirror); layers are cached, so a rebuild after a source change only recompiles.
# Writes the built names to $PODMAN_DIR/images.env for make kube-play-check. TEST_IMAGES=1
# also builds images/test/*.Containerfile (kube-play-check's stand-ins for nginx and curl)
# as fcgi-users-test/<name>:local.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=scripts/images/podman.sh
source scripts/images/podman.sh
registry=${IMAGE_REGISTRY:-fcgi-users}
tag=${IMAGE_TAG:?IMAGE_TAG is empty}
why=$(podman_ok)
[[ -z $why ]] || { echo "make images: $why" >&2; exit 1; }

args=(--network host --layers --format docker)
if [[ -n ${BASE_IMAGE:-} ]]; then
	[[ $BASE_IMAGE == *@sha256:* ]] ||
		echo "make images: BASE_IMAGE=$BASE_IMAGE is not pinned by digest (…@sha256:…): the build is not reproducible" >&2
	args+=(--pull=missing --build-arg "BASE_IMAGE=$BASE_IMAGE" --build-arg "BUILD_IMAGE=${BUILD_IMAGE:-$BASE_IMAGE}")
else
	base=$(scripts/images/base.sh)
	echo "make images: base $base (local debootstrap; BASE_IMAGE=… to use a registry's)"
	args+=(--pull=never)
fi
: >"$PODMAN_DIR/images.env.new"
for svc in backend frontend; do
	image=$registry/$svc:$tag
	start=$SECONDS
	echo "make images: building $image"
	pm build "${args[@]}" -f "images/$svc.Dockerfile" -t "$image" . >"$PODMAN_DIR/build-$svc.log" 2>&1 ||
		{ tail -n 30 "$PODMAN_DIR/build-$svc.log" >&2; echo "make images: $image failed (log: $PODMAN_DIR/build-$svc.log)" >&2; exit 1; }
	id=$(pm image inspect --format '{{.Id}}' "$image")
	size=$(pm image inspect --format '{{.Size}}' "$image")
	echo "make images: $image built in $((SECONDS - start)) s (id ${id:0:12}, $((size / 1000000)) MB)"
	printf '%s_IMAGE=%s\n' "${svc^^}" "$(pm image inspect --format '{{index .RepoTags 0}}' "$image")" >>"$PODMAN_DIR/images.env.new"
done
mv "$PODMAN_DIR/images.env.new" "$PODMAN_DIR/images.env"
if [[ ${TEST_IMAGES:-0} == 1 ]]; then
	for f in images/test/*.Containerfile; do
		t=$(basename "$f" .Containerfile)
		pm build "${args[@]}" -f "$f" -t "fcgi-users-test/$t:local" images/test >"$PODMAN_DIR/build-test-$t.log" 2>&1 ||
			{ tail -n 20 "$PODMAN_DIR/build-test-$t.log" >&2; echo "make images: the $t stand-in failed" >&2; exit 1; }
	done
	echo "make images: stand-ins fcgi-users-test/{nginx,curl}:local (images/test/)"
fi
