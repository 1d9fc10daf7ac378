#!/usr/bin/env bash
# make deploy-prod | verify-prod | rollback-prod: the Helm release in DEPLOY_ENV's EKS
# cluster (production by default; test for a rehearsal).
#   deploy    helm upgrade --install --atomic --wait with both images at IMAGE_TAG from
#             the ECR registry (production's outputs) and the database host from
#             DEPLOY_ENV's outputs; the database password, the RDS CA bundle and the
#             frontend's secret key are Secrets already in the cluster (the chart's
#             existingSecret values), checked before the upgrade. The NetworkPolicies'
#             database CIDR is DEPLOY_ENV's VPC (output vpc_cidr_block). Before the
#             upgrade both images also get the tag deployed-IMAGE_TAG in ECR, which the
#             registry's lifecycle policy keeps (newer builds awaiting approval cannot
#             expire what production runs or rolls back to).
#   test      helm test (the chart's route tests) against the release.
#   rollback  helm rollback to the previous revision, waiting for it.
# Needs: AWS credentials, the Terraform backend config, terraform, aws, kubectl, helm, jq.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=scripts/pipeline/lib.sh
. scripts/pipeline/lib.sh

action=${1:-}
case $action in
deploy | test | rollback) ;;
*)
	echo "usage: $0 deploy|test|rollback" >&2
	exit 2
	;;
esac
env=${DEPLOY_ENV:-production}
case $env in
test | production) ;;
*)
	echo "make $action-prod: DEPLOY_ENV must be test or production, not '$env'" >&2
	exit 2
	;;
esac
out=${DEPLOY_OUT:-build/reports/deploy}
release=${RELEASE:-fcgi-users}
namespace=${NAMESPACE:-fcgi-users}
values=${HELM_VALUES:-helm/fcgi-users/values-production.yaml}
helm=${HELM:-$(command -v helm || echo .tools/bin/helm)}
secrets=("${DB_SECRET:-fcgi-users-database}" "${DB_CA_SECRET:-rds-ca-bundle}" "${SECRET_KEY_SECRET:-fcgi-users-secret-key}")

need_cmd terraform "reads the cluster's and the registry's outputs"
need_cmd aws "writes the kubeconfig (aws eks update-kubeconfig)"
need_cmd kubectl "checks the database Secret in the cluster"
need_cmd jq "reads JSON outputs"
[[ -x $helm ]] || missing+=("helm (make deps installs it in .tools/bin)")
[[ $action != deploy || -n ${IMAGE_TAG:-} ]] || missing+=("IMAGE_TAG (the commit's image tag)")
need_aws
need_backend "$env"
[[ $env == production ]] || need_backend production
stop_if_missing "make $action-prod"

tf_outputs "$env" "$out/$env-outputs.json"
cluster=$(output "$out/$env-outputs.json" cluster_name)
region=$(output "$out/$env-outputs.json" region)
export KUBECONFIG=$out/kubeconfig-$env
aws eks update-kubeconfig --name "$cluster" --region "$region" --kubeconfig "$KUBECONFIG" >/dev/null

case $action in
deploy)
	# The registry is production's, whichever cluster the release goes to.
	reg_file=$out/production-outputs.json
	[[ $env == production ]] || tf_outputs production "$reg_file"
	registry=$(output "$reg_file" registry)
	backend_repo=$(jq -r '.image_repositories.value.backend // empty' "$reg_file")
	frontend_repo=$(jq -r '.image_repositories.value.frontend // empty' "$reg_file")
	db_host=$(output "$out/$env-outputs.json" db_endpoint)
	vpc_cidr=$(output "$out/$env-outputs.json" vpc_cidr_block)
	reg_region=$(output "$reg_file" region)
	[[ -n $registry && -n $backend_repo && -n $frontend_repo && -n $db_host && -n $vpc_cidr ]] || {
		echo "make deploy-prod: outputs registry, image_repositories, db_endpoint or vpc_cidr_block are empty (terraform apply first)" >&2
		exit 1
	}
	for s in "${secrets[@]}"; do
		kubectl -n "$namespace" get secret "$s" >/dev/null 2>&1 || {
			echo "make deploy-prod: Secret $namespace/$s is not in the cluster $cluster (see docs/pipeline.md: secrets)" >&2
			exit 1
		}
	done
	# Keep what production runs: tag both images deployed-IMAGE_TAG (the lifecycle
	# policy keeps that prefix; registry module keep_deployed_images).
	for repo in "$backend_repo" "$frontend_repo"; do
		manifest=$(aws ecr batch-get-image --region "$reg_region" --repository-name "$repo" \
			--image-ids imageTag="$IMAGE_TAG" --query 'images[0].imageManifest' --output text)
		[[ -n $manifest && $manifest != None ]] || {
			echo "make deploy-prod: $repo:$IMAGE_TAG is not in the registry (make images-push first)" >&2
			exit 1
		}
		if ! err=$(aws ecr put-image --region "$reg_region" --repository-name "$repo" \
			--image-tag "deployed-$IMAGE_TAG" --image-manifest "$manifest" 2>&1 >/dev/null); then
			[[ $err == *ImageAlreadyExistsException* ]] || { echo "$err" >&2; exit 1; }
		fi
	done
	# Helm 4 renamed --atomic to --rollback-on-failure; use whichever this helm has.
	atomic=--atomic
	[[ $("$helm" upgrade --help 2>/dev/null) == *--rollback-on-failure* ]] && atomic=--rollback-on-failure
	echo "make deploy-prod: $release at $IMAGE_TAG into $cluster ($env)"
	"$helm" upgrade --install "$release" helm/fcgi-users -n "$namespace" --create-namespace \
		-f "$values" "$atomic" --wait --timeout 10m \
		--set global.imageRegistry="$registry" \
		--set backend.image.repository="$backend_repo" --set backend.image.tag="$IMAGE_TAG" \
		--set frontend.image.repository="$frontend_repo" --set frontend.image.tag="$IMAGE_TAG" \
		--set database.host="$db_host" \
		--set "networkPolicy.databaseCIDRs={$vpc_cidr}" \
		--set database.existingSecret="${secrets[0]}" \
		--set database.caCert.existingSecret="${secrets[1]}" \
		--set secretKey.existingSecret="${secrets[2]}"
	"$helm" history "$release" -n "$namespace" --max 5
	;;
test)
	"$helm" test "$release" -n "$namespace" --logs --timeout 5m
	;;
rollback)
	echo "make rollback-prod: rolling $release back to its previous revision in $cluster ($env)"
	"$helm" rollback "$release" 0 -n "$namespace" --wait --timeout 10m
	"$helm" history "$release" -n "$namespace" --max 5
	;;
esac
