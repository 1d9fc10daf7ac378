#!/usr/bin/env bash
# scripts/apt-mirror.sh SUITE: print the URI of the Debian archive this machine's apt
# takes SUITE from (bookworm, bookworm-security, ...), read from /etc/apt/sources.list
# and sources.list.d (deb822 .sources and one-line .list files). The project names no
# mirror host of its own: the VM image and the container base image are built from the
# mirror the machine already trusts. No such source: one line saying so, exit 1.
# APT_SOURCES_DIR (default /etc/apt) is for the tests.
set -euo pipefail
suite=${1:?usage: apt-mirror.sh SUITE}
etc=${APT_SOURCES_DIR:-/etc/apt}
shopt -s nullglob

uri=
deb822=("$etc"/sources.list.d/*.sources)
if ((${#deb822[@]})); then
	# Paragraphs; the first enabled "Types: deb" one whose Suites list SUITE.
	uri=$(cat "${deb822[@]}" | awk -v s="$suite" 'BEGIN { RS = "" }
		{
			types = suites = uris = ""; enabled = 1
			n = split($0, lines, "\n")
			for (i = 1; i <= n; i++) {
				line = lines[i]
				if (line ~ /^[ \t]*#/) continue
				if (match(line, /^[A-Za-z-]+:/)) {
					key = tolower(substr(line, 1, RLENGTH - 1)); val = substr(line, RLENGTH + 1)
					if (key == "types") types = " " val " "
					else if (key == "suites") suites = " " val " "
					else if (key == "uris") uris = val
					else if (key == "enabled" && val ~ /no/) enabled = 0
				}
			}
			gsub(/[ \t]+/, " ", types); gsub(/[ \t]+/, " ", suites)
			if (enabled && index(types, " deb ") && index(suites, " " s " ")) {
				split(uris, u, " "); for (j in u) if (u[j] != "") { print u[j]; exit }
			}
		}' || true)
fi
if [[ -z $uri ]]; then
	lists=("$etc"/sources.list "$etc"/sources.list.d/*.list)
	((${#lists[@]})) && uri=$(cat "${lists[@]}" 2>/dev/null | awk -v s="$suite" '
		$1 == "deb" {
			i = 2; if ($i ~ /^\[/) while ($i !~ /\]$/) i++; if ($2 ~ /^\[/) i++
			if ($(i + 1) == s) { print $i; exit }
		}' || true)
fi
if [[ -z $uri ]]; then
	echo "apt-mirror: no Debian source for '$suite' in $etc/sources.list*: add one (the mirror is taken from the machine's apt configuration, never guessed)" >&2
	exit 1
fi
echo "${uri%/}"
