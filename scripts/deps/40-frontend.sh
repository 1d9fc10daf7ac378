#!/usr/bin/env bash
# Frontend deps hook: installs playwright-core (pinned in tests/browser/package.json and
# package-lock.json) under tests/browser/node_modules for the browser test. It drives
# Debian's /usr/bin/chromium, so no browser is downloaded. Idempotent: does nothing
# when the pinned version is already there.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=tests/browser

want=$(sed -n 's/.*"playwright-core": *"\([^"]*\)".*/\1/p' "$dir/package.json")
have=""
if [[ -f $dir/node_modules/playwright-core/package.json ]]; then
	have=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$dir/node_modules/playwright-core/package.json" | head -n1)
fi
[[ -n $want && $have == "$want" ]] && exit 0

if ! command -v npm >/dev/null; then
	# Debian ships npm apart from nodejs; a nodejs from elsewhere brings its own npm.
	if [[ $(id -u) -ne 0 ]]; then
		echo "make deps: npm is missing: run 'sudo apt-get install npm' and try again" >&2
		exit 1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends npm
fi
echo "make deps: installing playwright-core $want under $dir/node_modules"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
