#!/usr/bin/env bash
# make images-push: build the two images with `make images` (images/*.Dockerfile) tagged
# IMAGE_TAG, and push them to the ECR registry the production environment owns. Tags
# are immutable there: pushing a tag twice fails, so a commit's images are built once.
# The images are built and pushed with the project's podman (scripts/images/podman.sh:
# rootful, configuration and storage under .run/podman); BASE_IMAGE passes through to
# make images. Needs: podman (make deps), root, AWS credentials, the Terraform backend
# config, terraform, aws, jq.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=scripts/pipeline/lib.sh
. scripts/pipeline/lib.sh
out=${DEPLOY_OUT:-build/reports/deploy}
# shellcheck source=scripts/images/podman.sh
source scripts/images/podman.sh

need_cmd terraform "reads the registry from production's outputs"
need_cmd aws "logs in to ECR"
need_cmd jq "reads JSON outputs"
why=$(podman_ok)
[[ -z $why ]] || missing+=("podman: $why")
need_var IMAGE_TAG "the commit's image tag"
need_aws
need_backend production
stop_if_missing "make images-push"

tf_outputs production "$out/production-outputs.json"
registry=$(output "$out/production-outputs.json" registry)
region=$(output "$out/production-outputs.json" region)
[[ -n $registry ]] || {
	echo "make images-push: production has no registry output (terraform apply it first)" >&2
	exit 1
}
aws ecr get-login-password --region "$region" | pm login --username AWS --password-stdin "$registry"
make --no-print-directory images IMAGE_REGISTRY="$registry/fcgi-users" IMAGE_TAG="$IMAGE_TAG" BASE_IMAGE="${BASE_IMAGE:-}"
for image in backend frontend; do
	pm push "$registry/fcgi-users/$image:$IMAGE_TAG"
done
echo "$registry" >"$out/registry"
