#!/usr/bin/env bash
# Frontend deps hook: installs the browser test's npm packages (playwright-core, axe-core,
# lighthouse; pinned in tests/browser/package.json and package-lock.json) under
# tests/browser/node_modules. They drive Debian's /usr/bin/chromium, so no browser is
# downloaded. Idempotent: `npm ci` runs only when the lock file differs from the one the
# last install recorded (node_modules/.lock.sha256), so a pin changed by a colleague's
# commit is picked up by the next `make deps`.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=tests/browser
stamp=$dir/node_modules/.lock.sha256

want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
[[ -f $stamp && $(cat "$stamp") == "$want" ]] && exit 0

if ! command -v npm >/dev/null; then
	# Debian ships npm apart from nodejs; a nodejs from elsewhere brings its own npm.
	if [[ $(id -u) -ne 0 ]]; then
		echo "make deps: npm is missing: run 'sudo apt-get install npm' and try again" >&2
		exit 1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends npm
fi
echo "make deps: installing the browser test's npm packages under $dir/node_modules"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1
(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
echo "$want" >"$stamp"
