#!/usr/bin/env bash
# as-pod.sh: sourced by the helm checks. as_pod UID RWDIR CMD... execs CMD the way a
# pod of the chart runs it: as UID (runAsUser, no supplementary groups) on a
# read-only root filesystem. In a private mount namespace the root and the mount
# holding the work tree are remounted read-only, /tmp is a fresh tmpfs (the pod's
# emptyDir) and only RWDIR stays writable. It execs, so the pid stays the program's:
# call it in a subshell or with &. as_pod_ok is "yes" when it can (root with
# unshare), else "no" and as_pod runs CMD unchanged after the caller said SKIPPED.

as_pod_ok=no
if [[ $(id -u) == 0 ]] && unshare --mount --propagation private true 2>/dev/null &&
	command -v setpriv >/dev/null; then
	as_pod_ok=yes
fi

as_pod() {
	local uid=$1 rw=$2 tree
	shift 2
	[[ $as_pod_ok == yes ]] || exec "$@"
	tree=$(findmnt -n -o TARGET --target "$rw")
	# shellcheck disable=SC2016 # the script is for the inner sh
	exec unshare --mount --propagation private sh -ec '
		rw=$1 tree=$2 uid=$3; shift 3
		mount --bind "$rw" "$rw"
		case $rw in
		/tmp/*)
			# The work tree is under /tmp (a CI clone): carry its top folder over
			# the fresh tmpfs, or the pod would not see its own files.
			first=${rw#/tmp/}; first=/tmp/${first%%/*}
			hold=/mnt/.as-pod-hold; mkdir -p "$hold"
			mount --rbind "$first" "$hold"
			mount -t tmpfs -o size=16m tmpfs /tmp
			mkdir -p "$first"
			mount --move "$hold" "$first"
			mount -o remount,bind,ro "$first"
			;;
		*) mount -t tmpfs -o size=16m tmpfs /tmp ;;
		esac
		mount -o remount,bind,ro /
		[ "$tree" = / ] || mount -o remount,bind,ro "$tree"
		exec setpriv --reuid="$uid" --regid="$uid" --clear-groups "$@"' sh "$rw" "$tree" "$uid" "$@"
}

# as_pod_selftest UID RWDIR: fails (returns 1 with a reason) unless as_pod really
# gives that user and a read-only root with a writable RWDIR and /tmp.
as_pod_selftest() {
	local uid=$1 rw=$2
	[[ $as_pod_ok == yes ]] || return 0
	[[ $( (as_pod "$uid" "$rw" id -u) ) == "$uid" ]] || { echo "as_pod: not running as $uid"; return 1; }
	# A directory the user could write to, outside RWDIR: read-only must stop it.
	local open
	open=$(mktemp -d "$(dirname "$rw")/.as-pod.XXXXXX") && chmod 0777 "$open"
	if (as_pod "$uid" "$rw" touch "$open/x") 2>/dev/null; then
		rm -rf "$open"
		echo "as_pod: the filesystem outside $rw stays writable"
		return 1
	fi
	rm -rf "$open"
	(as_pod "$uid" "$rw" touch /tmp/.as-pod-check) || { echo "as_pod: /tmp is not writable"; return 1; }
	(as_pod "$uid" "$rw" touch "$rw/.as-pod-check") || { echo "as_pod: $rw is not writable by $uid"; return 1; }
	rm -f "$rw/.as-pod-check"
}
