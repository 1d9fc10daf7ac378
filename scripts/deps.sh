#!/usr/bin/env bash
# make deps: install what the build, the local stack and the tests need, and nothing
# when it is all present. Debian packages are listed one per line in scripts/deps/*.apt;
# tools that come from elsewhere (npm) are installed by scripts/deps/*.sh hooks.
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t wanted < <(cat scripts/deps/*.apt | sed 's/#.*//; s/[[:space:]]//g' | grep -v '^$' | sort -u)
missing=()
for p in "${wanted[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[[ $status == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]})); then
	if [[ $(id -u) -ne 0 ]]; then
		echo "make deps: missing Debian packages: ${missing[*]}" >&2
		echo "make deps: run 'sudo make deps' (or install them with apt-get) and try again" >&2
		exit 1
	fi
	echo "make deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# Packages such as nginx and mariadb-server would start system services on
	# install; the project runs its own private instances, so keep them stopped.
	policy=/usr/sbin/policy-rc.d
	created_policy=0
	if [[ ! -e $policy ]]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=1
	fi
	trap '[[ $created_policy == 1 ]] && rm -f "$policy"' EXIT
	if ! apt-get install -y --no-install-recommends "${missing[@]}"; then
		apt-get update
		apt-get install -y --no-install-recommends "${missing[@]}"
	fi
fi

for hook in scripts/deps/*.sh; do
	[[ -e $hook ]] || continue
	bash "$hook"
done
