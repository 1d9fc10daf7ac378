#!/usr/bin/env bash
# Lint: no `producer | grep -q` in a script that sets pipefail. grep -q (and a grep whose
# output is /dev/null, which GNU grep treats alike) quits at its first match; a producer
# still writing then dies of SIGPIPE, and pipefail turns a found match into a failure,
# now and then (a CI run of the VM test failed so). Grep a variable instead:
#   out=$(producer); grep -q pattern <<<"$out"
# Usage: pipe-into-grep-q.sh FILE...
set -euo pipefail
bad=0
for f in "$@"; do
	grep -q 'pipefail' "$f" || continue
	# A pipe into grep on the same line, or a line ending in `|` with grep starting the next.
	hits=$(awk '
		function quiet(s) { return s ~ /^[ \t]*grep([ \t]+-[a-zA-Z]*q|[ \t]+-[^|;&]*[ \t]-[a-zA-Z]*q)/ || s ~ /^[ \t]*grep[^|;&]*>[ \t]*\/dev\/null/ }
		/^[ \t]*#/ { cont = 0; next }
		cont && quiet($0) { print FILENAME ":" FNR ": " $0 }
		{ cont = ($0 ~ /\|[ \t]*$/ && $0 !~ /\|\|[ \t]*$/) }
		{ line = $0; gsub(/\|\|/, "\001", line)   # || is no pipe
		  n = split(line, part, /\|/)
		  for (i = 2; i <= n; i++) if (quiet(part[i])) { print FILENAME ":" FNR ": " $0; break } }
	' "$f")
	if [[ -n $hits ]]; then
		printf '%s\n' "$hits"
		bad=1
	fi
done
((bad == 0)) || {
	echo "pipe-into-grep-q: a pipe into grep -q under pipefail fails at random; grep a variable instead" >&2
	exit 1
}
