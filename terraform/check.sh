#!/usr/bin/env bash
# make tf-check: the Terraform gate of `make test`. For the whole tree it runs
# `terraform fmt -check`; for every module and environment it runs `terraform init
# -backend=false`, `terraform validate` and `terraform test` (mocked AWS provider: no
# cloud account, no network). Without a terraform binary it prints SKIPPED and exits 0.
# With the machine's provider mirror (/opt/tf-plugins) it installs the AWS provider
# from there through a CLI config written to a temporary directory, and from the
# registry otherwise. Usage: terraform/check.sh [dir...] (default: all of them).
set -uo pipefail
cd "$(dirname "$0")" || exit 1

if ! command -v terraform >/dev/null 2>&1; then
	echo "SKIPPED: terraform not installed (https://developer.hashicorp.com/terraform/install); fmt, validate and terraform test not run"
	exit 0
fi

export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
mirror=${TF_PLUGIN_MIRROR:-/opt/tf-plugins}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [[ -d $mirror/registry.terraform.io/hashicorp/aws ]]; then
	cat >"$tmp/terraform.rc" <<-RC
		provider_installation {
		  filesystem_mirror {
		    path    = "$mirror"
		    include = ["registry.terraform.io/hashicorp/aws"]
		  }
		  direct {
		    exclude = ["registry.terraform.io/hashicorp/aws"]
		  }
		}
	RC
	echo "tf-check: AWS provider from the local mirror $mirror"
else
	: >"$tmp/terraform.rc"
	echo "tf-check: no provider mirror at $mirror; installing providers from the registry"
fi
export TF_CLI_CONFIG_FILE=$tmp/terraform.rc

if (($#)); then
	dirs=("$@")
else
	mapfile -t dirs < <(find modules envs -mindepth 1 -maxdepth 1 -type d | sort)
fi

failed=0
fail() {
	echo "tf-check: FAILED: $*"
	failed=$((failed + 1))
}

echo "--- terraform fmt -check -recursive"
terraform fmt -check -recursive -diff . || fail "terraform fmt (run: terraform fmt -recursive terraform/)"

runs=0
for d in "${dirs[@]}"; do
	echo "--- $d"
	if ! out=$(terraform -chdir="$d" init -backend=false -input=false -no-color 2>&1); then
		echo "$out"
		fail "$d: terraform init"
		continue
	fi
	terraform -chdir="$d" validate -no-color || {
		fail "$d: terraform validate"
		continue
	}
	if compgen -G "$d/tests/*.tftest.hcl" >/dev/null; then
		log=$tmp/test.log
		terraform -chdir="$d" test -no-color 2>&1 | tee "$log"
		rc=${PIPESTATUS[0]}
		n=$(grep -cE '^  run ".*"\.\.\. pass' "$log" || true)
		runs=$((runs + n))
		((rc == 0)) || fail "$d: terraform test"
	else
		fail "$d: no terraform test suite ($d/tests/*.tftest.hcl)"
	fi
done

echo "tf-check: ${#dirs[@]} configurations, $runs terraform test runs passed, $failed failures"
((failed == 0))
