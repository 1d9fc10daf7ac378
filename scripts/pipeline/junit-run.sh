#!/usr/bin/env bash
# Run one Check test binary so that it leaves a Check XML log for the JUnit report:
#   scripts/pipeline/junit-run.sh REPORT_DIR BINARY [ARGS...]
# writes REPORT_DIR/<binary name>.xml (CK_XML_LOG_FILE_NAME) and REPORT_DIR/<binary
# name>.rc (its exit status, which scripts/check2junit.py reads so that a crash is
# reported), and exits with the binary's status. Output is the binary's own.
set -uo pipefail
if (($# < 2)); then
	echo "usage: $0 REPORT_DIR BINARY [ARGS...]" >&2
	exit 2
fi
dir=$1
shift
name=$(basename "$1")
mkdir -p "$dir"
rm -f "$dir/$name.xml" "$dir/$name.rc"
CK_XML_LOG_FILE_NAME="$dir/$name.xml" "$@"
rc=$?
echo "$rc" >"$dir/$name.rc"
exit "$rc"
