#!/usr/bin/env bash
# apt-mirror-test.sh (run by images-check): the VM image and the container base image
# take their Debian mirror only from the machine's apt sources (scripts/apt-mirror.sh),
# never from a host written in the repository. Sample sources in a temporary folder:
# deb822 with a disabled stanza, one-line lists with [options], none at all.
set -euo pipefail
cd "$(dirname "$0")/../.."
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: apt-mirror: $*" >&2; exit 1; }
mirror() { APT_SOURCES_DIR=$t scripts/apt-mirror.sh "$@"; }

mkdir -p "$t/sources.list.d"
cat >"$t/sources.list.d/debian.sources" <<'SRC'
Types: deb
URIs: http://off.example/debian
Suites: bookworm
Enabled: no

Types: deb-src deb
# a comment
URIs: http://main.example/debian/
Suites: bookworm bookworm-updates
Components: main

Types: deb
URIs: http://sec.example/debian-security
Suites: bookworm-security
SRC
[[ $(mirror bookworm) == http://main.example/debian ]] || fail "deb822: $(mirror bookworm)"
[[ $(mirror bookworm-security) == http://sec.example/debian-security ]] || fail "deb822 security"
rm "$t/sources.list.d/debian.sources"
printf 'deb [arch=amd64 signed-by=/k.gpg] http://one.example/debian bookworm main\n' >"$t/sources.list"
printf 'deb http://list.example/debian-security bookworm-security main\n' >"$t/sources.list.d/x.list"
[[ $(mirror bookworm) == http://one.example/debian ]] || fail "one-line with options: $(mirror bookworm)"
[[ $(mirror bookworm-security) == http://list.example/debian-security ]] || fail "one-line list.d"
rm "$t/sources.list" "$t/sources.list.d/x.list"
if out=$(mirror bookworm 2>&1); then fail "no sources: printed '$out' instead of failing"; fi
[[ $out == *"no Debian source for 'bookworm'"* ]] || fail "no sources: unclear message: $out"
# No mirror host in the scripts that build images.
if grep -nE 'https?://[a-z0-9.-]+\.(org|net|com)' scripts/vm/image.sh scripts/images/*.sh images/*file 2>/dev/null; then
	fail "a mirror host is written in the image scripts (above)"
fi
echo "ok apt-mirror: deb822, one-line lists, none (fails clearly); no host in the image scripts"
