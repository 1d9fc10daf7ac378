#!/usr/bin/env bash
# make browser-test: start a private stack (RUN_DIR=.run/test-browser, nginx on
# 127.0.0.1:18097) with scripts/stack.sh, run tests/browser/pages.mjs in headless
# Chromium against it, and stop the stack again whatever happened. Prints SKIPPED
# (and exits 0) when something it needs is not there.
set -euo pipefail
cd "$(dirname "$0")/../.."

export RUN_DIR=${BROWSER_RUN_DIR:-.run/test-browser}
export PORT=${BROWSER_PORT:-18097}

skip() {
	echo "SKIPPED: browser-test: $*"
	exit 0
}
[[ -x scripts/stack.sh ]] || skip "scripts/stack.sh is not there yet (no stack to test)"
[[ -x build/fcgi-frontend ]] || skip "build/fcgi-frontend is not built"
[[ -x /usr/bin/chromium ]] || skip "/usr/bin/chromium is missing (make deps installs it)"
command -v node >/dev/null || skip "node is missing (make deps installs nodejs)"
[[ -d tests/browser/node_modules/playwright-core ]] ||
	skip "playwright-core is missing (make deps installs it under tests/browser/node_modules)"

stop() { scripts/stack.sh stop >/dev/null 2>&1 || true; }
trap stop EXIT
scripts/stack.sh stop >/dev/null 2>&1 || true # a stack left by an interrupted run
scripts/stack.sh start
# shellcheck disable=SC1091
source "$RUN_DIR/env"
node tests/browser/pages.mjs "${BASE_URL:-http://127.0.0.1:$PORT}"
