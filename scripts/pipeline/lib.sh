# shellcheck shell=bash
# Shared by the pipeline's cloud steps (images-push.sh, deploy-vm.sh, deploy-prod.sh):
# collect every missing prerequisite first and report them all at once (exit 2) before
# any network call, and read an environment's Terraform outputs from its S3 state.
# Sourced, not run.

missing=()

# need_cmd NAME WHY: NAME must be on PATH.
need_cmd() {
	command -v "$1" >/dev/null 2>&1 || missing+=("command '$1' ($2)")
}

# need_var NAME WHY: the environment variable NAME must be set and non-empty.
need_var() {
	[[ -n ${!1:-} ]] || missing+=("environment variable $1 ($2)")
}

# need_file NAME WHY: the environment variable NAME must name a readable file.
need_file() {
	if [[ -z ${!1:-} ]]; then
		missing+=("environment variable $1 ($2)")
	elif [[ ! -r ${!1} ]]; then
		missing+=("file ${!1} named by $1 ($2)")
	fi
}

# need_aws: some AWS credentials must be configured (checked locally, no API call).
need_aws() {
	if [[ -z ${AWS_ACCESS_KEY_ID:-}${AWS_PROFILE:-}${AWS_WEB_IDENTITY_TOKEN_FILE:-}${AWS_CONTAINER_CREDENTIALS_FULL_URI:-}${AWS_CONTAINER_CREDENTIALS_RELATIVE_URI:-} ]] &&
		[[ ! -f ${AWS_SHARED_CREDENTIALS_FILE:-$HOME/.aws/credentials} ]]; then
		missing+=("AWS credentials (Jenkins binds the credential named by AWS_CREDENTIALS_ID; by hand: AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)")
	fi
}

# need_backend ENV: the S3 backend settings of ENV's state (terraform/envs is the one
# root configuration; the environment is the state it is initialised with).
need_backend() {
	local env=$1
	if [[ -n ${TF_BACKEND_CONFIG:-} ]]; then
		[[ -r $TF_BACKEND_CONFIG ]] || missing+=("Terraform backend config $TF_BACKEND_CONFIG (TF_BACKEND_CONFIG)")
	elif [[ ! -r terraform/envs/$env.backend.hcl ]]; then
		missing+=("Terraform backend config for $env: TF_BACKEND_CONFIG=<file> or terraform/envs/$env.backend.hcl (copy $env.backend.hcl.example)")
	fi
}

# stop_if_missing WHAT: report every missing prerequisite and exit 2.
stop_if_missing() {
	((${#missing[@]} == 0)) && return 0
	echo "$1: cannot run here; missing:" >&2
	printf '  - %s\n' "${missing[@]}" >&2
	echo "$1: nothing was changed. See docs/pipeline.md for what each stage needs." >&2
	exit 2
}

# tf_outputs ENV FILE: write `terraform output -json` of ENV's state to FILE. The state
# key is the environment's (fcgi-users/ENV/terraform.tfstate), whatever the config file
# says: the Jenkins credential holds only the bucket and region, shared by both.
tf_outputs() {
	local env=$1 file=$2 dir=terraform/envs
	local config=${TF_BACKEND_CONFIG:-$env.backend.hcl}
	[[ $config == /* || $config == "$env.backend.hcl" ]] || config=$PWD/$config
	mkdir -p "$(dirname "$file")"
	terraform -chdir="$dir" init -input=false -reconfigure -backend-config="$config" \
		-backend-config="key=fcgi-users/$env/terraform.tfstate" >"$file.init.log" 2>&1 || {
		cat "$file.init.log" >&2
		echo "terraform init of $dir failed" >&2
		return 1
	}
	terraform -chdir="$dir" output -json >"$file"
}

# output FILE NAME: one output's value from a `terraform output -json` file ("" if null).
output() {
	jq -r --arg n "$2" '.[$n].value // empty | if type == "string" then . else tojson end' "$1"
}
