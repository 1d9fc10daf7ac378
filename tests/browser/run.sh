#!/usr/bin/env bash
# make browser-test: start a private stack from a fresh database (RUN_DIR=.run/test-browser,
# nginx on 127.0.0.1:18097) with scripts/stack.sh, walk the pages in headless Chromium
# with an axe-core audit of every state (pages.mjs), then run Lighthouse on the main
# pages (lighthouse.mjs), and stop the stack again whatever happened. Both parts run even
# when the first fails, so one log says everything. Prints SKIPPED (and exits 0) when
# something it needs is not there.
set -euo pipefail
cd "$(dirname "$0")/../.."

export RUN_DIR=${BROWSER_RUN_DIR:-.run/test-browser}
export PORT=${BROWSER_PORT:-18097}
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}

skip() {
	echo "SKIPPED: browser-test: $*"
	exit 0
}
[[ -x scripts/stack.sh ]] || skip "scripts/stack.sh is not there yet (no stack to test)"
[[ -x build/fcgi-frontend ]] || skip "build/fcgi-frontend is not built"
[[ -x $CHROME_PATH ]] || skip "$CHROME_PATH is missing (make deps installs chromium)"
command -v node >/dev/null || skip "node is missing (make deps installs nodejs)"
for m in playwright-core axe-core lighthouse; do
	[[ -d tests/browser/node_modules/$m ]] ||
		skip "$m is missing (make deps installs it under tests/browser/node_modules)"
done

# shellcheck disable=SC2317 # called by the EXIT trap
stop() { scripts/stack.sh stop >/dev/null 2>&1 || true; }
trap stop EXIT
scripts/stack.sh stop >/dev/null 2>&1 || true # a stack left by an interrupted run
rm -rf "$RUN_DIR"                            # a fresh database: the seed users only
scripts/stack.sh start
# shellcheck disable=SC1091
source "$RUN_DIR/env"
base=${BASE_URL:-http://127.0.0.1:$PORT}

# The walk signs in as the stack's editor; its set-up writes use an API token.
export EDITOR_NAME EDITOR_PASSWORD_FILE
API_TOKEN=$(scripts/stack.sh token "browser-$$")
export API_TOKEN
rc=0
STACK_CTL=$PWD/scripts/stack.sh node tests/browser/pages.mjs "$base" || rc=1
# The list and a user's page: the pages people land on from outside. The forms are
# audited by axe in pages.mjs (robots.txt keeps them out of search engines, so
# Lighthouse's SEO category would rightly mark them "blocked").
node tests/browser/lighthouse.mjs "$base" / /users/1 || rc=1
exit $rc
