#!/usr/bin/env bash
# make images-push: build the two images with `make images` (images/*.Dockerfile) tagged
# IMAGE_TAG, and push them to the ECR registry the production environment owns. Tags
# are immutable there: pushing a tag twice fails, so a commit's images are built once.
# Needs: a Docker engine, AWS credentials, the Terraform backend config, terraform,
# aws, jq.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=scripts/pipeline/lib.sh
. scripts/pipeline/lib.sh
out=${DEPLOY_OUT:-build/reports/deploy}
docker=${DOCKER:-docker}

need_cmd terraform "reads the registry from production's outputs"
need_cmd aws "logs in to ECR"
need_cmd jq "reads JSON outputs"
if ! command -v "$docker" >/dev/null 2>&1 || ! "$docker" info >/dev/null 2>&1; then
	missing+=("a Docker engine ('$docker info' fails)")
fi
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
aws ecr get-login-password --region "$region" | "$docker" login --username AWS --password-stdin "$registry"
make --no-print-directory images IMAGE_REGISTRY="$registry/fcgi-users" IMAGE_TAG="$IMAGE_TAG"
for image in backend frontend; do
	"$docker" push "$registry/fcgi-users/$image:$IMAGE_TAG"
done
echo "$registry" >"$out/registry"
