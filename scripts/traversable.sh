#!/usr/bin/env bash
# traversable.sh: some checks run services as unprivileged users, as production does
# (the chart's pods as uid 101/10001, php-fpm and gunicorn peers as nobody/www-data),
# and those users must reach files in the work tree. A work tree cloned below a
# private folder (mktemp -d makes it 0700) is unreachable for them. As root, give
# every folder above the work tree search permission (o+x: enter, not list), and say
# which ones changed. Not root: nothing to do (the checks that need it say SKIPPED).
set -euo pipefail
[[ $(id -u) == 0 ]] || exit 0
dir=$(cd "$(dirname "$0")/.." && pwd)
while [[ $dir != / ]]; do
	if [[ $(stat -c %A "$dir") != ?????????[xt] ]]; then
		chmod o+x "$dir"
		echo "traversable: added o+x to $dir (unprivileged test services must reach the tree)"
	fi
	dir=$(dirname "$dir")
done
