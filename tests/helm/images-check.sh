#!/usr/bin/env bash
# images-check.sh: what can be checked about the Dockerfiles in a second, without
# building them (make images builds them; make kube-play-check runs them):
#   - each images/<svc>.Dockerfile builds with `make install`, runs on debian:12-slim
#     as a numeric non-root user with STOPSIGNAL SIGQUIT and the pool as ENTRYPOINT;
#   - RUNTIME_LIBS names exactly the Debian packages of the libraries build/fcgi-<svc>
#     links (ldd + dpkg -S), apart from the base image's required packages;
#   - every path the final stage copies from the build stage exists after
#     `make install DESTDIR=<tmp> PREFIX=/usr/local`;
#   - the chart uses the images' paths and user (fcgi-probe, static files, uid);
#   - images/fcgi-probe (the pools' exec probe) passes on 2xx and fails otherwise.
set -euo pipefail
cd "$(dirname "$0")/../.."
run=${RUN_DIR:-.run/test-helm}
mkdir -p "$run"
run=$(cd "$run" && pwd)/images
rm -rf "$run"
mkdir -p "$run"
errors=0
fail() { echo "FAIL: $*" >&2; errors=$((errors + 1)); }
passed=0
ok() { passed=$((passed + 1)); echo "ok $*"; }

# arg NAME FILE: the default of "ARG NAME=..." (may span continuation lines).
arg() {
	awk -v a="ARG $1=" 'index($0, a) == 1 {on = 1; $0 = substr($0, length(a) + 1)}
		on {c = sub(/\\$/, ""); gsub(/"/, ""); printf "%s ", $0; if (!c) exit}' "$2" | xargs
}

# Packages debian:12-slim already holds (its shared libraries): not listed in
# RUNTIME_LIBS. Anything of Priority "required" is in the base image too.
base_packages=" libc6 libgcc-s1 libstdc++6 zlib1g libzstd1 liblzma5 libbz2-1.0 libselinux1
	libpcre2-8-0 libcrypt1 libacl1 libattr1 libgmp10 libmd0 libtinfo6 libaudit1 libcap-ng0
	libcap2 libsystemd0 liblz4-1 libgcrypt20 libgpg-error0 libseccomp2 libudev1 libpam0g
	libdb5.3 libsemanage2 libsepol2 libuuid1 libblkid1 libmount1 libsmartcols1 libxxhash0 "
base_packages=$(tr -s ' \t\n' ' ' <<<"$base_packages")

installed=
for svc in backend frontend; do
	df=images/$svc.Dockerfile
	[[ -f $df ]] || { fail "$df missing"; continue; }
	# shellcheck disable=SC2016 # the Dockerfile's literal text
	if ! grep -qxF 'FROM ${BASE_IMAGE}' "$df" || ! grep -qxF 'ARG BASE_IMAGE=debian:${DEBIAN_RELEASE}-slim' "$df" ||
		! grep -qE '^ARG DEBIAN_RELEASE=12$' "$df"; then
		fail "$df: the final stage is not BASE_IMAGE, by default debian:12-slim"
	fi
	grep -qE '^RUN make .*\binstall\b.*DESTDIR=/out PREFIX=/usr/local' "$df" || fail "$df: does not build with make install"
	user=$(sed -n 's/^USER //p' "$df")
	[[ $user =~ ^[1-9][0-9]*(:[0-9]+)?$ ]] || fail "$df: USER '$user' is not a numeric non-root user"
	grep -qx 'STOPSIGNAL SIGQUIT' "$df" || fail "$df: no STOPSIGNAL SIGQUIT (graceful stop)"
	grep -qx "ENTRYPOINT \[\"/usr/local/bin/fcgi-$svc\"\]" "$df" || fail "$df: ENTRYPOINT is not the pool master"
	uid=${user%%:*}
	section=$(awk -v s="$svc:" '$0==s{on=1;next} /^[a-z]/{on=0} on' helm/fcgi-users/values.yaml)
	[[ $section == *"runAsUser: $uid"$'\n'* ]] ||
		fail "values.yaml: $svc.containerSecurityContext.runAsUser is not the image's user $uid"
	while read -r src; do
		[[ -e $src ]] || fail "$df: COPY source $src is not in the repository"
	done < <(grep -E '^COPY [^-]' "$df" | awk '$2 != "." {print $2}')
	ok "$df: debian:12-slim, make install, USER $user, STOPSIGNAL SIGQUIT, ENTRYPOINT fcgi-$svc"

	# Runtime libraries vs what the binary links.
	bin=build/fcgi-$svc
	if [[ ! -x $bin ]]; then
		echo "SKIPPED: $df runtime packages: $bin is not built (no fcgi-$svc/main.c yet?)"
		continue
	fi
	# The libraries the binary itself names (DT_NEEDED), resolved by ldd; their own
	# dependencies come with their packages.
	mapfile -t sonames < <(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
	declare -A need=()
	for so in "${sonames[@]}"; do
		lib=$(ldd "$bin" | awk -v so="$so" '$1 == so {print $3}')
		[[ $lib == /* ]] || { fail "$bin: ldd cannot resolve $so"; continue; }
		real=$(readlink -f "$lib")
		pkg=$(dpkg -S "$real" 2>/dev/null || dpkg -S "${real#/usr}" 2>/dev/null || dpkg -S "$lib" 2>/dev/null ||
			dpkg -S "/usr$lib" 2>/dev/null) || { fail "$bin: no Debian package owns $lib"; continue; }
		pkg=${pkg%%:*}
		prio=$(dpkg-query -W -f='${Priority}' "$pkg")
		[[ $prio == required || $base_packages == *" $pkg "* ]] || need[$pkg]=$lib
	done
	listed=$(arg RUNTIME_LIBS "$df")
	for pkg in "${!need[@]}"; do
		[[ " $listed " == *" $pkg "* ]] || fail "$df: RUNTIME_LIBS lacks $pkg (for ${need[$pkg]})"
	done
	for pkg in $listed; do
		[[ -n ${need[$pkg]:-} ]] || fail "$df: RUNTIME_LIBS lists $pkg, which $bin does not link"
	done
	ok "$df: RUNTIME_LIBS ($listed) = the packages of $bin's libraries (${sonames[*]})"
	unset need

	# The build stage's outputs: make install into a scratch DESTDIR.
	# Only once both services build: before that `make install` cannot work.
	if [[ ! -x build/fcgi-backend || ! -x build/fcgi-frontend ]]; then
		echo "SKIPPED: make install vs the Dockerfiles' COPY paths: both services are not built yet"
		continue
	fi
	if [[ -z $installed ]]; then
		if make --no-print-directory install DESTDIR="$run/out" PREFIX=/usr/local >"$run/install.log" 2>&1; then
			installed=yes
		else
			installed=failed
			fail "make install DESTDIR=... failed (see $run/install.log): $(tail -n 2 "$run/install.log" | tr '\n' ' ')"
		fi
	fi
	if [[ $installed == yes ]]; then
		while read -r path; do
			rel=${path#/out}
			if [[ ! -e $run/out$rel ]]; then
				fail "$df: COPY --from=build $path: make install does not produce $rel"
			elif [[ -d $run/out$rel && -z $(ls -A "$run/out$rel") ]]; then
				fail "$df: COPY --from=build $path: make install leaves $rel empty"
			fi
		done < <(grep -E '^COPY --from=build ' "$df" | awk '{print $3}')
		ok "$df: every COPY --from=build path is produced by make install"
	fi
done

# The build stage installs what mk/10-c.mk compiles against: the Debian packages of
# its pkg-config modules (PKGS) and of libfcgi's header (linked as -lfcgi).
mapfile -t pc_mods < <(sed -n 's/^PKGS[[:space:]]*:=[[:space:]]*//p' mk/10-c.mk | tr ' ' '\n' | grep -v '^$')
((${#pc_mods[@]})) || fail "mk/10-c.mk: no PKGS line"
build_need=()
for m in "${pc_mods[@]}"; do
	pc=$(pkg-config --path "$m" 2>/dev/null) || { fail "pkg-config does not know $m"; continue; }
	build_need+=("$(dpkg -S "$pc" | head -n1 | cut -d: -f1)")
done
build_need+=("$(dpkg -S /usr/include/fcgiapp.h | head -n1 | cut -d: -f1)")
for df in images/*.Dockerfile; do
	have=" $(arg BUILD_PACKAGES "$df") "
	for pkg in "${build_need[@]}"; do
		[[ $have == *" $pkg "* ]] || fail "$df: BUILD_PACKAGES lacks $pkg (mk/10-c.mk builds against it)"
	done
done
ok "the Dockerfiles' BUILD_PACKAGES hold what mk/10-c.mk builds against (${build_need[*]})"

# The tools the probes use.
for df in images/*.Dockerfile; do
	tools=$(arg RUNTIME_TOOLS "$df")
	[[ " $tools " == *" $(dpkg -S /usr/bin/cgi-fcgi 2>/dev/null | cut -d: -f1) "* ]] ||
		fail "$df: RUNTIME_TOOLS lacks the package of cgi-fcgi (fcgi-probe needs it)"
done
grep -q '/usr/local/bin/fcgi-probe' helm/fcgi-users/templates/_helpers.tpl || fail "chart: probes do not use /usr/local/bin/fcgi-probe"
grep -q '/usr/local/share/fcgi-users/static/\.' helm/fcgi-users/templates/nginx-deployment.yaml ||
	fail "chart: nginx's static init container does not copy /usr/local/share/fcgi-users/static"
grep -q 'COPY --from=build /out/usr/local/share/fcgi-users/static ' images/frontend.Dockerfile ||
	fail "images/frontend.Dockerfile does not ship the static files nginx's init container copies"

# fcgi-probe against a stand-in pool.
sock=$run/probe.sock
node tests/helm/fcgi-stub.mjs probe "unix:$sock" >"$run/stub.log" 2>&1 &
stub=$!
trap 'kill $stub 2>/dev/null || true; wait $stub 2>/dev/null || true' EXIT
for _ in $(seq 50); do [[ -S $sock ]] && break; sleep 0.1; done
images/fcgi-probe "$sock" /-/ping >/dev/null || fail "fcgi-probe: 200 answer not accepted"
images/fcgi-probe "$sock" /_stub/status/204 >/dev/null || fail "fcgi-probe: 204 answer not accepted"
out=$(images/fcgi-probe "$sock" /_stub/status/503) && fail "fcgi-probe: 503 answer accepted"
[[ $out == *"answered 503"* ]] || fail "fcgi-probe: 503 not reported: $out"
kill $stub; wait $stub 2>/dev/null || true
images/fcgi-probe "$sock" /-/ping >/dev/null && fail "fcgi-probe: a stopped pool passed"
ok "fcgi-probe: 2xx passes, 503 and a stopped pool fail"

# make images uses the project's podman configuration, never /etc's.
# shellcheck disable=SC2016 # the literal text of the script
if grep -q 'CONTAINERS_CONF=.*images/containers.conf' scripts/images/podman.sh &&
	grep -q -- '--root "$PODMAN_DIR/storage"' scripts/images/podman.sh; then
	ok "make images: podman with images/containers.conf and storage under .run/podman"
else
	fail "scripts/images/podman.sh does not keep podman's configuration and storage in the project"
fi
grep -qx 'runtime = "runc"' images/containers.conf || fail "images/containers.conf: runtime is not runc (crun fails here)"
if bash tests/helm/apt-mirror-test.sh; then
	ok "the base and VM images take the apt mirror from the machine's sources"
else
	fail "scripts/apt-mirror.sh (above)"
fi

if ((errors)); then
	echo "images-check: $errors problem(s)" >&2
	exit 1
fi
echo "images-check: Dockerfiles consistent with make install and the chart (make kube-play-check builds and runs them)"
# The test runner adds these up.
echo "images-check.sh: Checks: $passed, Failures: 0, Errors: 0"
