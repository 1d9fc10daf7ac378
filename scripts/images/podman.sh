#!/usr/bin/env bash
# scripts/images/podman.sh: sourced by make images and make kube-play-check. Sets up the
# project's own rootful podman: configuration from images/containers.conf and
# images/registries.conf, storage (overlay), run state, temporary files and network
# configuration under $PODMAN_DIR (default .run/podman), never /etc or the system's
# storage, so the checks of several work trees do not share images or containers.
# Defines pm (podman with those flags) and podman_ok (why podman cannot run here, or
# nothing). Rootful only: the sandbox has no subordinate uids for rootless podman.

_pm_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PODMAN_DIR=${PODMAN_DIR:-$_pm_root/.run/podman}
mkdir -p "$PODMAN_DIR"
PODMAN_DIR=$(cd "$PODMAN_DIR" && pwd)
export CONTAINERS_CONF=$_pm_root/images/containers.conf
export CONTAINERS_REGISTRIES_CONF=$_pm_root/images/registries.conf
PODMAN_FLAGS=(--root "$PODMAN_DIR/storage" --runroot "$PODMAN_DIR/run" --tmpdir "$PODMAN_DIR/tmp"
	--storage-driver overlay --events-backend file --cgroup-manager cgroupfs --runtime runc
	--network-config-dir "$PODMAN_DIR/net")

pm() { podman "${PODMAN_FLAGS[@]}" "$@"; }

# podman_ok: prints why podman cannot build or run containers here (empty: it can).
podman_ok() {
	if ! command -v podman >/dev/null 2>&1; then
		echo "podman is not installed (make deps installs it: scripts/deps/72-images.apt)"
	elif [[ $(id -u) != 0 ]]; then
		echo "needs root (the project runs podman rootful; the sandbox has no subordinate uids)"
	elif ! command -v runc >/dev/null 2>&1; then
		echo "runc is not installed (make deps)"
	fi
}
