#!/usr/bin/env bash
# check-render.sh (make nginx-check): every configuration nginx/render.sh produces must
# pass `nginx -t`: local, VM and chart, with each option that changes the output
# (JSON log, rate limit, micro-cache, keep-alive off, several servers, real IP, sign-in
# limit, single sign-on). Paths
# are pointed into a temporary directory so it runs as any user without touching
# /var. It also checks the keep-alive rule's numbers, that bad options are refused
# with exit 2 and one line naming them, and that the chart ships byte-identical
# copies of the shared files (make nginx-chart-files writes them).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

if ! command -v nginx >/dev/null; then
	echo "SKIPPED: nginx-check: nginx is not installed (make deps installs it)"
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 checks=0
ok() { checks=$((checks + 1)); echo "ok   $*"; }
bad() { checks=$((checks + 1)); fails=$((fails + 1)); echo "FAIL $*"; }

# nginx_t NAME PLACE [render options]: render into its own dir, then nginx -t.
nginx_t() {
	local name=$1 place=$2 dir=$tmp/$1
	shift 2
	mkdir -p "$dir/logs" "$dir/nginx-temp"
	if ! nginx/render.sh "$place" --prefix "$dir" --errors-root "$PWD/nginx/errors" \
		--static-root "$PWD/fcgi-frontend/static" "$@" -o "$dir/nginx.conf" 2>"$dir/render.err"; then
		bad "$name: render.sh $place $* failed: $(cat "$dir/render.err")"
		return
	fi
	if [[ $place == chart ]]; then
		# The chart mounts the shared files next to its nginx.conf.
		cp -r nginx/*.conf nginx/fastcgi_params nginx/mime.types nginx/errors "$dir/"
	fi
	if out=$(nginx -t -q -p "$dir" -c "$dir/nginx.conf" 2>&1) && [[ -z $out || $out != *emerg* ]]; then
		ok "$name: nginx -t ($place $*)"
	else
		bad "$name: nginx -t ($place $*):"
		printf '     %s\n' "${out//$'\n'/$'\n'     }"
	fi
}

uid=$(id -u)
user_opt=()
((uid == 0)) || user_opt=(--user "$(id -un)")

nginx_t local local
nginx_t local-json local --log-format json --rate-limit 10r/s --micro-cache
nginx_t local-ka0 local --keepalive 0 --conn-limit off
nginx_t local-ka local --backend-workers 16 --backend-concurrency 8 --frontend-keepalive 3
nginx_t local-tcp local --backend 127.0.0.1:19001 --backend 127.0.0.1:19002 --frontend 127.0.0.1:19003 \
	--backend-workers 8 --nginx-workers 1
nginx_t vm vm "${user_opt[@]}"
nginx_t vm-options vm "${user_opt[@]}" --log-format json --rate-limit 600r/m --micro-cache --stub-status 127.0.0.1:8081 \
	--status-allow 127.0.0.1,::1,10.0.0.0/8 --backend-workers 8 --frontend-workers 8 --nginx-workers 2
# Service names do not resolve here: the chart variants use addresses.
nginx_t chart chart --backend 127.0.0.1:9000 --frontend 127.0.0.1:9001 --access-log "$tmp/chart/logs/access.log" --error-log "$tmp/chart/logs/error.log"
nginx_t chart-options chart --access-log "$tmp/chart-options/logs/access.log" \
	--error-log "$tmp/chart-options/logs/error.log" --log-format json --micro-cache --rate-limit 5r/s \
	--status-allow 127.0.0.1,10.0.0.0/8,fd00::/8 --real-ip-from 10.0.0.0/8 \
	--backend 127.0.0.1:9000 --backend 127.0.0.2:9000 --frontend 127.0.0.1:9001 --stub-status 127.0.0.1:8081
# Sign-in limit and single sign-on (an address: the proxy is not running here).
nginx_t local-sso local --sso-url http://127.0.0.1:4180 --sign-in-rate 5r/m
nginx_t local-sign-in-off local --sign-in-rate off
nginx_t vm-sso vm "${user_opt[@]}" --sso-url http://127.0.0.1:4180 --sso-user-header X-Auth-Request-User
nginx_t chart-sso chart --backend 127.0.0.1:9000 --frontend 127.0.0.1:9001 \
	--access-log "$tmp/chart-sso/logs/access.log" --error-log "$tmp/chart-sso/logs/error.log" \
	--sso-url http://127.0.0.1:4180 --sign-in-rate 20r/m

# ---- the shared files are inlined unchanged ----------------------------------------
# Every line of each shared file (but its include lines, which are expanded) must
# appear, in order, in the local and VM configurations.
inlined() { # RENDERED FILE
	awk 'NR == FNR { if (!/^[[:space:]]*include [A-Za-z0-9._-]+;[[:space:]]*$/ && NF) want[++n] = $0; next }
		{ line = $0; sub(/^[[:space:]]+/, "", line); w = want[i + 1]; sub(/^[[:space:]]+/, "", w)
		  if (i < n && line == w) i++ }
		END { exit i == n ? 0 : 1 }' "nginx/$2" "$1"
}
for variant in local vm-options local-sso; do
	for f in http.conf routes.conf fastcgi.conf fastcgi_params security-headers.conf static.conf mime.types; do
		if inlined "$tmp/$variant/nginx.conf" "$f"; then
			ok "$variant: nginx/$f inlined unchanged"
		else
			bad "$variant: nginx/$f is not in the rendered configuration unchanged"
		fi
	done
done

# ---- the keep-alive rule: keepalive = max(0, floor((P - 1 - C) / W)), C defaults to
# P, and no "keepalive" line at all when it is 0 -------------------------------------
# kept OPTIONS...: the keepalive of both upstreams ("backend frontend").
kept() {
	nginx/render.sh local --prefix "$tmp/ka" "$@" | awk '
		/upstream fcgi_/ { name = $2; n[name] = 0 }
		name && /^ *keepalive [0-9]+;/ { n[name] = $2 + 0 }
		name && /^ *}/ { name = "" }
		END { print n["fcgi_backend"] + 0, n["fcgi_frontend"] + 0 }'
}
expect_kept() { # WANT OPTIONS...
	local want=$1 got
	shift
	got=$(kept "$@")
	if [[ $got == "$want" ]]; then ok "keepalive $want for $*"; else bad "keepalive for $*: want '$want', got '$got'"; fi
}
# A pool that can be saturated (C = P, the default) gets none, whatever its size.
expect_kept "0 0" --backend-workers 2 --frontend-workers 2 --nginx-workers 2
expect_kept "0 0" --backend-workers 64 --frontend-workers 64 --nginx-workers 1
# Bounded concurrency leaves room: C + W * N <= P - 1.
expect_kept "7 0" --backend-workers 80 --backend-concurrency 64 --nginx-workers 2
expect_kept "1 3" --backend-workers 8 --backend-concurrency 4 --frontend-workers 8 --frontend-concurrency 0 --nginx-workers 2
expect_kept "0 0" --backend-workers 8 --backend-concurrency 7 --nginx-workers 1
expect_kept "0 0" --backend-workers 8 --backend-concurrency 20 --nginx-workers 1
# Two backend servers of 4 workers each: P = 8.
expect_kept "3 0" --backend unix:/a.sock --backend unix:/b.sock --backend-workers 4 --backend-concurrency 1 --nginx-workers 2
# Overrides.
expect_kept "0 0" --backend-workers 64 --backend-concurrency 1 --keepalive 0
expect_kept "5 2" --backend-workers 4 --frontend-workers 4 --backend-keepalive 5 --keepalive 2
# fastcgi_keep_conn follows: off with no upstream cache (the pool closes each answered
# connection itself), on when either upstream keeps connections.
expect_keep_conn() { # WANT OPTIONS...
	local want=$1 got
	shift
	got=$(nginx/render.sh local --prefix "$tmp/ka" "$@")
	got=$(grep -c "^ *fastcgi_keep_conn $want;" <<<"$got" || true)
	if [[ $got == 1 ]]; then ok "fastcgi_keep_conn $want, once, for ${*:-the defaults}"; else bad "fastcgi_keep_conn $want for ${*:-the defaults}: found $got times"; fi
}
expect_keep_conn off
expect_keep_conn on --backend-keepalive 3
expect_keep_conn on --frontend-keepalive 1
rendered=$(nginx/render.sh local --prefix "$tmp/ka")
if grep -q 'keepalive_timeout 10s' <<<"$rendered"; then
	bad "keepalive_timeout rendered in an upstream without keepalive"
else
	ok "no upstream keep-alive directives when keep-alive is off"
fi

# ---- bad options: exit 2, one line naming the option -----------------------------
refuse() { # WHAT OPTIONS...
	local what=$1 out rc
	shift
	out=$(nginx/render.sh "$@" 2>&1 >/dev/null)
	rc=$?
	if ((rc == 2)) && [[ $out == *"$what"* ]] && (($(wc -l <<<"$out") == 1)); then
		ok "refuses $what: $out"
	else
		bad "render.sh $* should exit 2 naming $what; rc=$rc: $out"
	fi
}
refuse "unknown place" nowhere
refuse "--prefix" local
refuse "--listen" local --prefix "$tmp/x" --listen "8080"
refuse "--backend" local --prefix "$tmp/x" --backend "tcp://x"
refuse "--backend" local --prefix "$tmp/x" --backend "unix:relative.sock"
refuse "--nginx-workers" local --prefix "$tmp/x" --nginx-workers 0
refuse "--backend-workers" local --prefix "$tmp/x" --backend-workers many
refuse "--keepalive" local --prefix "$tmp/x" --keepalive -1
refuse "--backend-concurrency" local --prefix "$tmp/x" --backend-concurrency lots
refuse "--log-format" local --prefix "$tmp/x" --log-format xml
refuse "--rate-limit" local --prefix "$tmp/x" --rate-limit fast
refuse "--sign-in-rate" local --prefix "$tmp/x" --sign-in-rate often
refuse "--sso-url" local --prefix "$tmp/x" --sso-url "127.0.0.1:4180"
refuse "--sso-url" local --prefix "$tmp/x" --sso-url "http://proxy/oauth2"
refuse "--sso-user-header" local --prefix "$tmp/x" --sso-user-header "X-User: x"
refuse "--conn-limit" local --prefix "$tmp/x" --conn-limit 0
refuse "--status-allow" local --prefix "$tmp/x" --status-allow "everyone"
refuse "unknown option" local --prefix "$tmp/x" --bogus
rendered=$(nginx/render.sh --help)
if grep -q -- '--keepalive' <<<"$rendered"; then ok "--help documents the options"; else bad "--help"; fi
# SSO_USER is set only where nginx asked the proxy: every fastcgi_param SSO_USER line
# sits in a location with auth_request, and none is rendered without --sso-url.
rendered=$(nginx/render.sh local --prefix "$tmp/x")
if grep -q SSO_USER <<<"$rendered"; then
	bad "SSO_USER rendered without --sso-url"
else
	ok "no SSO_USER param without --sso-url"
fi
if nginx/render.sh local --prefix "$tmp/x" --sso-url http://127.0.0.1:4180 | awk '
	/^[[:space:]]*location / { auth = 0 } /^[[:space:]]*auth_request \// { auth = 1 }
	/fastcgi_param SSO_USER/ { n++; if (!auth) bad = 1 }
	END { exit (n == 2 && !bad) ? 0 : 1 }'; then
	ok "SSO_USER only in the two locations behind auth_request"
else
	bad "SSO_USER outside an auth_request location (or not in both SSO locations)"
fi

# ---- the chart ships the shared files unchanged -----------------------------------
chart=helm/fcgi-users
if [[ ! -f $chart/Chart.yaml ]]; then
	echo "SKIPPED: chart copy check: $chart/Chart.yaml does not exist yet"
elif [[ ! -d $chart/files/nginx ]]; then
	bad "$chart/files/nginx is missing: run 'make nginx-chart-files' and commit it"
elif diff_out=$(nginx/render.sh chart --chart-files "$tmp/chart-files" >/dev/null &&
	diff -r "$tmp/chart-files" "$chart/files/nginx" 2>&1); then
	ok "$chart/files/nginx is identical to nginx/"
else
	bad "$chart/files/nginx differs from nginx/ (run 'make nginx-chart-files'):"
	echo "$diff_out" | head -20 | sed 's/^/     /'
fi

echo "nginx-check: $checks checks, $fails failed"
((fails == 0))
