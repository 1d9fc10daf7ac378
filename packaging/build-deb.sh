#!/usr/bin/env bash
# packaging/build-deb.sh: make the Debian package of the project, offline: stage
# `make install DESTDIR=… PREFIX=/usr`, add the systemd units, the VM's nginx.conf
# (rendered by nginx/render.sh vm) and the maintainer scripts, compute the runtime
# dependencies from the binaries (dpkg-shlibdeps), and build with dpkg-deb.
# Prints the path of the .deb (dist/fcgi-users_<version>_<arch>.deb).
#
# NGINX_CONF=<file> ships that file as the VM's nginx.conf instead of rendering one.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "make deb: $*" >&2; exit 1; }
for tool in dpkg-deb dpkg-shlibdeps; do
	command -v "$tool" >/dev/null || die "$tool not found: run 'make deps' (dpkg-dev)"
done
BUILD=${BUILD:-build}
for bin in fcgi-backend fcgi-frontend; do
	[[ -x $BUILD/$bin ]] || die "$BUILD/$bin is not built (run 'make'): the package needs both services"
done

arch=$(dpkg --print-architecture)
# 0.1.0+git<commits>.<sha>: increases with every commit, so apt sees an upgrade.
base_version=0.1.0
if git rev-parse --git-dir >/dev/null 2>&1; then
	version="$base_version+git$(git rev-list --count HEAD).$(git rev-parse --short=8 HEAD)"
else
	version=$base_version
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root=$stage/root
mkdir -p "$root/DEBIAN"

make --no-print-directory -s install DESTDIR="$root" PREFIX=/usr >"$stage/install.log" 2>&1 ||
	{ cat "$stage/install.log" >&2; die "make install failed"; }

install -d -m 0755 "$root/usr/lib/systemd/system" "$root/usr/share/doc/fcgi-users"
install -d -m 0750 "$root/etc/fcgi-users"
install -m 0644 packaging/systemd/*.service packaging/systemd/*.socket "$root/usr/lib/systemd/system/"
# The group that may read the backend's database password file (postinst runs
# systemd-sysusers on it).
install -d -m 0755 "$root/usr/lib/sysusers.d"
install -m 0644 packaging/sysusers/fcgi-users.conf "$root/usr/lib/sysusers.d/"

# The static files nginx serves at /static/: make install copies build/static (each
# file under its name and its fingerprinted name, which the pages link).
share=$root/usr/share/fcgi-users
fingerprinted=("$share"/static/style.??????????.css)
[[ -f ${fingerprinted[0]} ]] || die "no fingerprinted stylesheet in $share/static (make install)"

# nginx's whole configuration for the VM (nginx/render.sh renders one nginx.conf per
# place), for the package's paths and the default pool sizes. The playbook's nginx
# role renders it again on the VM with render.sh (installed next to it) for the pool
# sizes it sets, and installs it as /etc/nginx/nginx.conf.
vm_conf=$share/nginx/vm.conf
if [[ -n ${NGINX_CONF:-} ]]; then
	install -m 0644 "$NGINX_CONF" "$vm_conf"
elif [[ -x $share/nginx/render.sh ]]; then
	"$share/nginx/render.sh" vm \
		--static-root /usr/share/fcgi-users/static \
		--errors-root /usr/share/fcgi-users/nginx/errors \
		-o "$vm_conf" || die "nginx/render.sh vm failed"
	chmod 0644 "$vm_conf"
else
	die "nginx/render.sh was not installed: cannot make the nginx configuration (or set NGINX_CONF=<file>)"
fi

# The Prometheus rules (recording rules and alerts) for whoever scrapes the VM.
install -d -m 0755 "$share/prometheus"
install -m 0644 prometheus/fcgi-users.rules.yml "$share/prometheus/"

for doc in docs/vm.md README.md; do
	[[ -f $doc ]] && install -m 0644 "$doc" "$root/usr/share/doc/fcgi-users/"
done
# Debian wants a copyright file in every package.
printf 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nUpstream-Name: fcgi-users\n\nFiles: *\nCopyright: fcgi-users authors\nLicense: see the project repository\n' \
	>"$root/usr/share/doc/fcgi-users/copyright"

install -m 0755 packaging/deb/postinst packaging/deb/prerm packaging/deb/postrm "$root/DEBIAN/"
conffiles=$(cd "$root" && find etc -type f -printf '/%p\n' | sort)
[[ -z $conffiles ]] || echo "$conffiles" >"$root/DEBIAN/conffiles"

# Runtime dependencies from the binaries' shared libraries (libfcgi0ldbl, libcjson1,
# libmariadb3, libcurl4, libssl3, libc6 ...), the way debhelper does it.
mkdir -p "$stage/src/debian"
printf 'Source: fcgi-users\n\nPackage: fcgi-users\nArchitecture: any\n' >"$stage/src/debian/control"
shlibs=$(cd "$stage/src" && dpkg-shlibdeps -O -e"$root/usr/bin/fcgi-backend" -e"$root/usr/bin/fcgi-frontend" 2>"$stage/shlibdeps.err") ||
	{ cat "$stage/shlibdeps.err" >&2; die "dpkg-shlibdeps failed"; }
shlibs=${shlibs#shlibs:Depends=}
[[ -n $shlibs ]] || die "dpkg-shlibdeps found no dependencies"

size=$(du -k -s --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" \
	-e "s/@SHLIBS@/$shlibs/" packaging/deb/control.in >"$root/DEBIAN/control"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z |
	xargs -0 -r md5sum) >"$root/DEBIAN/md5sums"

mkdir -p dist
deb=dist/fcgi-users_${version}_${arch}.deb
rm -f dist/fcgi-users_*.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
