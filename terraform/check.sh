#!/usr/bin/env bash
# make tf-check: the Terraform gate of `make test`. For the whole tree it runs
# `terraform fmt -check`; for every module and for envs/ (the one root configuration of
# both environments) it runs `terraform init -backend=false`, `terraform validate` and
# `terraform test` (mocked AWS provider: no cloud account, no network). The root must
# have its .terraform.lock.hcl committed, naming only hashicorp/aws, and init there is
# -lockfile=readonly: every init uses the provider build that was tested.
# Without a terraform binary it prints SKIPPED and exits 0.
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
	# Every module, and envs/: the one root configuration of both environments.
	mapfile -t dirs < <(find modules -mindepth 1 -maxdepth 1 -type d | sort)
	dirs+=(envs)
fi

echo "--- terraform fmt -check -recursive"
fmt_failed=0
terraform fmt -check -recursive -diff . || fmt_failed=1

# One configuration: init, validate, test. Output to its own log; status in <log>.rc.
check_dir() {
	local d=$1 log=$2
	{
		echo "--- $d"
		local lockopt=()
		if [[ $d == envs ]]; then
			if ! git ls-files --error-unmatch "$d/.terraform.lock.hcl" >/dev/null 2>&1; then
				echo "tf-check: FAILED: $d: no committed .terraform.lock.hcl (terraform init, then git add it)"
				return 1
			fi
			providers=$(sed -n 's/^provider "\(.*\)" {/\1/p' "$d/.terraform.lock.hcl" | tr '\n' ' ')
			if [[ $providers != "registry.terraform.io/hashicorp/aws " ]]; then
				echo "tf-check: FAILED: $d: the lock file names providers other than hashicorp/aws: $providers"
				return 1
			fi
			lockopt=(-lockfile=readonly)
		fi
		if ! terraform -chdir="$d" init -backend=false -input=false -no-color "${lockopt[@]}" >"$log.init" 2>&1; then
			cat "$log.init"
			echo "tf-check: FAILED: $d: terraform init"
			return 1
		fi
		if ! terraform -chdir="$d" validate -no-color; then
			echo "tf-check: FAILED: $d: terraform validate"
			return 1
		fi
		if ! compgen -G "$d/tests/*.tftest.hcl" >/dev/null; then
			echo "tf-check: FAILED: $d: no terraform test suite ($d/tests/*.tftest.hcl)"
			return 1
		fi
		if ! terraform -chdir="$d" test -no-color; then
			echo "tf-check: FAILED: $d: terraform test"
			return 1
		fi
	} >"$log" 2>&1
}

# Configurations are independent (each its own .terraform/): run TF_CHECK_JOBS at once
# (default 2, the machine's cores), then print their logs in order.
jobs_max=${TF_CHECK_JOBS:-2}
i=0
for d in "${dirs[@]}"; do
	while (($(jobs -rp | wc -l) >= jobs_max)); do
		wait -n || true
	done
	(
		check_dir "$d" "$tmp/$i.log"
		echo $? >"$tmp/$i.rc"
	) &
	i=$((i + 1))
done
wait

failed=$fmt_failed
((fmt_failed)) && echo "tf-check: FAILED: terraform fmt (run: terraform fmt -recursive terraform/)"
runs=0
for ((j = 0; j < i; j++)); do
	cat "$tmp/$j.log"
	n=$(grep -cE '^  run ".*"\.\.\. pass' "$tmp/$j.log" || true)
	runs=$((runs + n))
	[[ $(cat "$tmp/$j.rc" 2>/dev/null) == 0 ]] || failed=$((failed + 1))
done

echo "tf-check: ${#dirs[@]} configurations, $runs terraform test runs passed, $failed failures"
((failed == 0))
