#!/usr/bin/env bash
# routes.sh (make nginx-routes): nginx's routes, headers and limits, checked over
# HTTP the way a browser or an admin would see them.
#
#   tests/nginx/routes.sh echo    nginx (render.sh local) in front of two fcgi_echo
#                                 pools that name themselves: every route must reach
#                                 the right pool with the right FastCGI params; also
#                                 the options (JSON log, rate limit, micro-cache,
#                                 sign-in limit, single sign-on with a fake proxy).
#   tests/nginx/routes.sh stack   the integration stack (scripts/stack.sh: MariaDB,
#                                 the real pools, nginx): routes, headers, 403, 413,
#                                 and 502 with the friendly page while one pool is
#                                 stopped, the other still serving.
#
# Env: RUN_DIR (default .run/test-nginx), PORT (default 18095), FCGI_ECHO (the
# responder binary; built here when unset). Everything started is stopped on exit.
# "cond && ok ... || bad ..." is safe here: ok always succeeds.
# shellcheck disable=SC2015
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
mode=${1:-echo}
run=${RUN_DIR:-.run/test-nginx}
port=${PORT:-18095}
base=http://127.0.0.1:$port

for tool in curl nginx; do
	command -v "$tool" >/dev/null || { echo "SKIPPED: nginx-routes ($mode): $tool is not installed (make deps)"; exit 0; }
done
mkdir -p "$run"
run=$(cd "$run" && pwd)
tmp=$(mktemp -d)

checks=0 fails=0
ok() { checks=$((checks + 1)); echo "ok   $*"; }
bad() { checks=$((checks + 1)); fails=$((fails + 1)); echo "FAIL $*"; }

# req METHOD PATH [curl options]: sets code, hdr (headers, lower-case names), body.
req() {
	local method=$1 path=$2
	shift 2
	code=$(curl -s -X "$method" -D "$tmp/h" -o "$tmp/b" -w '%{http_code}' "$@" "$base$path")
	hdr=$(tr -d '\r' <"$tmp/h" | sed 's/^\([A-Za-z0-9-]*\):/\L\1:/')
	body=$(tr -d '\0' <"$tmp/b") # gzip answers are binary
}
header() { sed -n "s/^$1: //p" <<<"$hdr" | tail -1; }
expect_code() { # WANT WHAT
	if [[ $code == "$1" ]]; then ok "$2: $code"; else bad "$2: want $1, got $code; body: ${body:0:200}"; fi
}
expect_header() { # NAME PATTERN WHAT
	local v
	v=$(header "$1")
	# shellcheck disable=SC2053 # the pattern is a glob on purpose
	if [[ $v == $2 ]]; then ok "$3: $1: $v"; else bad "$3: header $1 should match '$2', got '$v'"; fi
}
expect_body() { # PATTERN WHAT
	# shellcheck disable=SC2053
	if [[ $body == $1 ]]; then ok "$2"; else bad "$2: body should match '$1', got: ${body:0:300}"; fi
}
json() { jq -r "$1" <<<"$body" 2>/dev/null; }

# The headers every answer carries (security-headers.conf).
expect_security_headers() { # WHAT
	expect_header x-content-type-options nosniff "$1"
	expect_header x-frame-options DENY "$1"
	expect_header content-security-policy "default-src 'none'*" "$1"
	expect_header referrer-policy same-origin "$1"
	# Once each: the pools set the same headers and nginx hides theirs.
	local n
	for n in x-content-type-options x-frame-options content-security-policy referrer-policy; do
		if [[ $(grep -c "^$n:" <<<"$hdr") == 1 ]]; then ok "$1: $n once"; else
			bad "$1: $n sent $(grep -c "^$n:" <<<"$hdr") times"
		fi
	done
}

# ---- checks common to both modes ------------------------------------------------------
check_guarded() {
	local p
	for p in /-/status/backend /-/status/frontend /-/ping; do
		req GET "$p" --interface 127.0.0.2
		expect_code 403 "$p from 127.0.0.2 (not an allowed address)"
		req GET "$p" -H 'X-Forwarded-For: 203.0.113.9'
		expect_code 403 "$p through a proxy (X-Forwarded-For)"
	done
	req GET /-/status/other
	expect_code 404 "/-/status/other (nothing else under /-/)"
}

# /static/ serves build/static: the fingerprinted names the pages link (a year,
# immutable) and the plain names (minutes: their content changes with a release).
check_static() {
	local fp
	fp=$(cd build/static && ls style.??????????.css)
	[[ $fp =~ ^style\.[0-9a-f]{10}\.css$ ]] && ok "build/static has one fingerprinted stylesheet ($fp)" ||
		bad "build/static: fingerprinted stylesheet: '$fp'"
	req GET "/static/$fp" -H 'Accept-Encoding: gzip'
	expect_code 200 "/static/$fp served from files"
	expect_header content-type 'text/css*' "/static/$fp"
	expect_header cache-control 'public, max-age=31536000, immutable' "/static/$fp: a year, immutable"
	expect_header content-encoding gzip "/static/$fp gzip"
	expect_security_headers "/static/$fp"
	req GET /static/style.css
	expect_code 200 "/static/style.css (plain name) served"
	expect_header cache-control 'public, max-age=300' "/static/style.css: minutes, never immutable"
	req GET /static/style.0123456789.css
	expect_code 404 "/static/ a fingerprint of no file"
	req GET /static/no-such-file.css
	expect_code 404 "/static/ missing file"
}

# robots.txt comes from nginx (routes.conf), plain text, forms disallowed.
check_robots() {
	req GET /robots.txt
	expect_code 200 "/robots.txt"
	expect_header content-type 'text/plain*' "/robots.txt"
	expect_body $'User-agent: *\nDisallow: /users/new\n*' "/robots.txt allows the pages, not the forms"
	[[ -z $(header x-pool) ]] && ok "/robots.txt never reaches a pool" || bad "/robots.txt reached a pool"
	expect_security_headers /robots.txt
}

check_body_limit() { # PATH
	head -c 16385 /dev/zero | tr '\0' 'a' >"$tmp/big"
	req POST "$1" -H 'Content-Type: application/json' --data-binary @"$tmp/big"
	expect_code 413 "POST $1 with 16385 bytes: refused by nginx"
	expect_header content-type 'application/problem+json*' "413 from nginx on $1"
	[[ $(json .status) == 413 ]] && ok "413 body is problem+json" || bad "413 body: ${body:0:200}"
}

# check_conn_limit N: N connections from 127.0.0.1 that send a whole header and then
# trickle their body hold N slots of the per-address limit (--conn-limit, rendered
# default 32): the next request from 127.0.0.1 gets 429 at once, another address is
# served, and once they close 127.0.0.1 is served again (issue 20: about 2,000 such
# connections exhausted nginx).
check_conn_limit() {
	local n=$1 fds=() fd i got=0
	for ((i = 0; i < n; i++)); do
		exec {fd}<>"/dev/tcp/127.0.0.1/$port" || { bad "conn-limit: connection $i refused"; break; }
		printf 'POST /api/v1/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{' >&"$fd"
		fds+=("$fd")
	done
	# nginx counts a connection once it has read its header: give it a moment.
	for _ in $(seq 20); do
		req GET /api/v1/health
		[[ $code == 429 ]] && { got=1; break; }
		sleep 0.1
	done
	((got)) && ok "conn-limit: with $n trickling connections from 127.0.0.1 the next gets 429" ||
		bad "conn-limit: with $n trickling connections from 127.0.0.1 the next got $code, not 429"
	expect_header content-type 'application/problem+json*' "conn-limit: 429 from the API"
	req GET /api/v1/health --interface 127.0.0.2
	expect_code 200 "conn-limit: another address is served meanwhile"
	for fd in "${fds[@]}"; do exec {fd}>&-; done
	got=0
	for _ in $(seq 20); do
		req GET /api/v1/health
		[[ $code == 200 ]] && { got=1; break; }
		sleep 0.1
	done
	((got)) && ok "conn-limit: 127.0.0.1 is served again once they close" || bad "conn-limit: still $code after closing"
}

# ---- echo mode: nginx in front of two self-naming responders -------------------------
start_echo() { # NAME
	rm -f "$run/$1.sock"
	"$echo_bin" "$1" "unix:$run/$1.sock" 2 &
	echo $! >"$run/echo-$1.pid"
	for _ in $(seq 50); do [[ -S $run/$1.sock ]] && return 0; sleep 0.1; done
	echo "routes.sh: fcgi_echo $1 did not start" >&2
	return 1
}
stop_echo() { # NAME
	local pid
	[[ -s $run/echo-$1.pid ]] || return 0
	pid=$(cat "$run/echo-$1.pid")
	kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -f "$run/echo-$1.pid"
}
nginx_up=0
# The request id (http.conf $fcgi_request_id, fastcgi.conf REQUEST_ID): nginx makes it,
# the pool gets it twice (REQUEST_ID and, replacing the client's, HTTP_X_REQUEST_ID),
# the access log carries it, and a client's own X-Request-Id counts only from an
# internal caller (the frontend's API calls) and only in nginx's shape.
check_request_id() {
	local mine=0123456789abcdef0123456789abcdef rid
	req GET /api/v1/users
	rid=$(json .request_id)
	[[ $rid =~ ^[0-9a-f]{32}$ ]] && ok "REQUEST_ID is nginx's request id: $rid" || bad "REQUEST_ID: '$rid'"
	[[ $(json .http_x_request_id) == "$rid" ]] && ok "HTTP_X_REQUEST_ID is the same id" ||
		bad "HTTP_X_REQUEST_ID: '$(json .http_x_request_id)' vs '$rid'"
	sleep 0.2 # the access log line is written after the answer
	grep -q "rid=$rid\$" "$run/logs/nginx-access.log" && ok "the access log line carries rid=$rid" ||
		bad "no access log line with rid=$rid: $(tail -1 "$run/logs/nginx-access.log")"
	req GET / -H "X-Request-Id: $mine"
	[[ $(json .request_id) == "$mine" ]] && ok "an internal caller's X-Request-Id is passed on (frontend -> API)" ||
		bad "internal X-Request-Id: got '$(json .request_id)'"
	req GET / -H "X-Request-Id: $mine" --interface 127.0.0.2
	rid=$(json .request_id)
	[[ $rid != "$mine" && $rid =~ ^[0-9a-f]{32}$ && $(json .http_x_request_id) == "$rid" ]] &&
		ok "an outside client's X-Request-Id is replaced by nginx's" || bad "outside X-Request-Id reached the pool: $body"
	req GET / -H "X-Request-Id: $mine" -H 'X-Forwarded-For: 203.0.113.9'
	[[ $(json .request_id) != "$mine" ]] && ok "X-Request-Id through a proxy is not trusted" ||
		bad "X-Request-Id through a proxy was trusted"
	req GET / -H 'X-Request-Id: "evil" x=1'
	rid=$(json .request_id)
	[[ $rid =~ ^[0-9a-f]{32}$ ]] && ok "an X-Request-Id not in nginx's shape is replaced, even from inside" ||
		bad "odd X-Request-Id reached the pool: '$rid'"
}

start_nginx() { # render options...
	nginx/render.sh local --listen "127.0.0.1:$port" --prefix "$run" \
		--backend "unix:$run/backend.sock" --frontend "unix:$run/frontend.sock" \
		--backend-workers 2 --frontend-workers 2 "$@" -o "$run/nginx.conf" || return 1
	if ((nginx_up)); then
		nginx -p "$run" -c "$run/nginx.conf" -s reload || return 1
		sleep 1 # old workers finish, new ones take over
	else
		nginx -p "$run" -c "$run/nginx.conf" || return 1
		nginx_up=1
	fi
	for _ in $(seq 50); do curl -s -o /dev/null "$base/static/style.css" && return 0; sleep 0.1; done
	return 1
}
stop_nginx() {
	((nginx_up)) || return 0
	nginx -p "$run" -c "$run/nginx.conf" -s quit 2>/dev/null
	for _ in $(seq 50); do [[ -e $run/nginx.pid ]] || break; sleep 0.1; done
	nginx_up=0
}
cleanup_echo() {
	stop_nginx
	stop_echo backend
	stop_echo frontend
	rm -rf "$tmp"
}

expect_pool() { # METHOD PATH POOL [curl options]
	local method=$1 path=$2 want=$3
	shift 3
	req "$method" "$path" "$@"
	local got
	got=$(header x-pool)
	if [[ $code == 200 && $got == "$want" ]]; then
		ok "$method $path -> $want pool"
	else
		bad "$method $path: want the $want pool, got status $code pool '${got:-none}'"
	fi
}

run_echo() {
	if [[ -z ${FCGI_ECHO:-} ]]; then
		echo_bin=$run/fcgi_echo
		gcc -std=c17 -O2 -D_GNU_SOURCE -Wall -Wextra -Werror -o "$echo_bin" tests/nginx/fcgi_echo.c -lfcgi || exit 1
	else
		echo_bin=$FCGI_ECHO
	fi
	trap cleanup_echo EXIT
	start_echo backend && start_echo frontend || exit 1
	start_nginx || { bad "nginx did not start: $(tail -5 "$run/logs/nginx-error.log")"; exit 1; }

	# Routes (DESIGN.md): each reaches its pool.
	expect_pool GET /backend backend
	expect_pool GET /api/v1/users backend
	expect_pool DELETE /api/v1/users/3 backend
	expect_pool GET /-/status/backend backend
	expect_pool GET /-/status/frontend frontend
	expect_pool GET /-/ping frontend
	expect_pool GET / frontend
	expect_pool GET /users/new frontend
	expect_pool POST /users frontend --data 'userName=Ann'
	expect_pool GET /backendx frontend
	expect_pool GET /apiary frontend
	req GET /static/style.css
	[[ -z $(header x-pool) && $code == 200 ]] && ok "/static/ never reaches a pool" || bad "/static/ reached a pool"

	# FastCGI params the pools rely on.
	req GET '/api/v1/users?limit=2&q=B%C3%B6'
	[[ $(json .request_uri) == '/api/v1/users?limit=2&q=B%C3%B6' ]] && ok "REQUEST_URI keeps the query" ||
		bad "REQUEST_URI: $(json .request_uri)"
	[[ $(json .document_uri) == /api/v1/users ]] && ok "DOCUMENT_URI is the path" || bad "DOCUMENT_URI: $(json .document_uri)"
	[[ $(json .remote_addr) == 127.0.0.1 ]] && ok "REMOTE_ADDR" || bad "REMOTE_ADDR: $(json .remote_addr)"
	req POST /api/v1/users -H 'Content-Type: application/json' --data '{"userName":"Zed"}'
	[[ $(json .body_bytes) == 18 && $(json .method) == POST ]] && ok "request body and method reach the pool" ||
		bad "body/method: ${body:0:200}"
	# Without the micro-cache too: the backend reads a writer's requests from the primary.
	expect_header set-cookie 'fcgi_users_wrote=1; Max-Age=10;*' "an API write hands out the just-wrote cookie"
	req GET /api/v1/users
	[[ -z $(header set-cookie) ]] && ok "a read hands out no cookie" || bad "a read set: $(header set-cookie)"

	check_request_id

	# Headers.
	req GET /
	expect_security_headers "GET / (frontend)"
	req GET /backend
	expect_security_headers "GET /backend"
	req GET '/backend?pad=2000' -H 'Accept-Encoding: gzip'
	expect_header content-encoding gzip "JSON gzip"
	req GET '/?html&pad=2000' -H 'Accept-Encoding: gzip'
	expect_header content-encoding gzip "HTML gzip"
	req GET '/backend?pad=2000'
	[[ -z $(header content-encoding) ]] && ok "no gzip for a client that does not ask" || bad "gzip unasked"

	check_guarded
	req GET /-/status/backend
	expect_code 200 "/-/status/backend from 127.0.0.1"
	check_static
	check_robots

	check_body_limit /api/v1/users
	head -c 16384 /dev/zero | tr '\0' 'a' >"$tmp/max"
	req POST /api/v1/users -H 'Content-Type: application/json' --data-binary @"$tmp/max"
	[[ $code == 200 && $(json .body_bytes) == 16384 ]] && ok "a body of exactly 16 KiB reaches the pool" ||
		bad "16384-byte body: $code ${body:0:100}"
	req POST /users --data-binary @"$tmp/big"
	expect_code 413 "POST /users with 16385 bytes"
	expect_header content-type 'text/html*' "413 page for browsers"

	check_conn_limit 32

	# Access log: request time, upstream time and address.
	local line
	line=$(grep ' /api/v1/users?limit=2' "$run/logs/nginx-access.log" | tail -1)
	[[ $line == *rt=0.* && $line == *urt=0.* && $line == *"ua=\"unix:$run/backend.sock\""* ]] &&
		ok "access log has request_time, upstream_response_time, upstream_addr" || bad "access log line: $line"

	# One pool stopped: its routes answer 502 with nginx's page; the other serves.
	stop_echo backend
	req GET /api/v1/users
	expect_code 502 "/api/v1/users with the backend stopped"
	expect_header content-type 'application/problem+json*' "API 502"
	[[ $(json .status) == 502 ]] && ok "API 502 is problem+json" || bad "API 502 body: ${body:0:200}"
	req GET /backend
	expect_code 502 "/backend with the backend stopped"
	req GET /-/status/backend
	expect_code 502 "/-/status/backend with the backend stopped"
	expect_pool GET / frontend
	expect_pool GET /-/ping frontend
	start_echo backend
	stop_echo frontend
	req GET /users/1
	expect_code 502 "/users/1 with the frontend stopped"
	expect_header content-type 'text/html*' "friendly 502 page"
	expect_body '*Service unavailable*' "friendly 502 page text"
	expect_security_headers "502 page"
	expect_pool GET /backend backend
	expect_pool GET /api/v1/users backend
	start_echo frontend
	expect_pool GET / frontend

	# Options: JSON log, write rate limit, micro-cache.
	start_nginx --log-format json --rate-limit 1r/m --micro-cache || { bad "nginx reload"; return; }
	req GET '/api/v1/users?jsonlog=1'
	line=$(grep jsonlog=1 "$run/logs/nginx-access.log" | tail -1)
	if jq -e --arg rid "$(json .request_id)" '.request_time and .upstream_response_time and .upstream_addr and .status == 200 and .request_id == $rid' <<<"$line" >/dev/null 2>&1; then
		ok "JSON access log line, with the request id the pool got"
	else
		bad "JSON access log line: $line"
	fi
	local n429=0
	for _ in $(seq 25); do
		req POST /api/v1/users --interface 127.0.0.2 -H 'Content-Type: application/json' --data '{"userName":"x"}'
		[[ $code == 429 ]] && n429=$((n429 + 1))
	done
	((n429 >= 4)) && ok "rate limit: $n429 of 25 quick writes from 127.0.0.2 got 429" || bad "rate limit: $n429 x 429"
	expect_header content-type 'application/problem+json*' "429 from the API"
	req GET /api/v1/users --interface 127.0.0.2
	expect_code 200 "reads are never rate limited"
	n429=0
	for _ in $(seq 25); do
		req POST /api/v1/users -H 'Content-Type: application/json' --data '{"userName":"x"}'
		[[ $code == 429 ]] && n429=$((n429 + 1))
	done
	((n429 == 0)) && ok "internal callers (the frontend's API calls) are not rate limited" || bad "internal writes got $n429 x 429"

	# The pair must fall within the 1 s cache lifetime; under a heavy load the second
	# request sometimes comes later (EXPIRED), so the pair is tried up to 5 times.
	local first_pid
	for _ in 1 2 3 4 5; do
		req GET /cached-page
		first_pid=$(json .pid)
		req GET /cached-page
		[[ $(header x-cache) == HIT ]] && break
	done
	expect_header x-cache HIT "micro-cache: anonymous GET served from the cache"
	[[ $(json .pid) == "$first_pid" ]] && ok "cached page is the same answer" || bad "cached answer differs"
	req GET /cached-page -H 'Cookie: csrf=abc'
	expect_header x-cache BYPASS "micro-cache: a request with a cookie bypasses it"
	req POST /users --data 'userName=Ann'
	expect_header set-cookie 'fcgi_users_wrote=1; Max-Age=10;*' "a write hands out the just-wrote cookie"
	req GET /api/v1/users
	[[ -z $(header x-cache) ]] && ok "the API is never cached" || bad "API cached: $(header x-cache)"

	check_sign_in_limit
	check_sso
}

# Sign-in attempts (--sign-in-rate): the form post and the session endpoint share one
# budget per client address; reads and the frontend's own calls are not counted.
check_sign_in_limit() {
	start_nginx --sign-in-rate 1r/m || { bad "nginx reload (sign-in rate)"; return; }
	local n429=0
	for _ in $(seq 10); do
		req POST /sign-in --interface 127.0.0.2 --data 'name=a&password=b'
		[[ $code == 429 ]] && n429=$((n429 + 1))
	done
	((n429 >= 4)) && ok "sign-in limit: $n429 of 10 quick form posts from 127.0.0.2 got 429" ||
		bad "sign-in limit: $n429 x 429 for form posts"
	expect_header content-type 'text/html*' "429 on /sign-in is a page"
	req POST /api/v1/sessions --interface 127.0.0.2 -H 'Content-Type: application/json' --data '{}'
	expect_code 429 "the session endpoint shares the address's sign-in budget"
	expect_header content-type 'application/problem+json*' "429 on /api/v1/sessions"
	req GET /sign-in --interface 127.0.0.2
	expect_code 200 "GET /sign-in (the form) is never limited"
	expect_pool POST /api/v1/users backend --interface 127.0.0.2 -H 'Content-Type: application/json' --data '{}'
	n429=0
	for _ in $(seq 10); do
		req POST /api/v1/sessions -H 'Content-Type: application/json' --data '{}'
		[[ $code == 429 ]] && n429=$((n429 + 1))
	done
	((n429 == 0)) && ok "the frontend's session calls (internal address) are not limited" ||
		bad "internal session calls got $n429 x 429"
	expect_pool DELETE /api/v1/sessions/current backend
	expect_pool POST /sign-in frontend --interface 127.0.0.3 --data 'name=a&password=b'
	start_nginx --sign-in-rate off || { bad "nginx reload (sign-in rate off)"; return; }
	n429=0
	for _ in $(seq 10); do
		req POST /sign-in --interface 127.0.0.2 --data 'name=a&password=b'
		[[ $code == 429 ]] && n429=$((n429 + 1))
	done
	((n429 == 0)) && ok "--sign-in-rate off: no limit" || bad "--sign-in-rate off: $n429 x 429"
}

# Single sign-on (--sso-url): nginx asks the proxy (tests/nginx/fake_sso.py) and passes
# the editor it names as SSO_USER, only on the two SSO locations; nothing a client
# sends becomes SSO_USER.
check_sso() {
	local sso_port=$((port + 1)) sso_pid
	python3 tests/nginx/fake_sso.py "$sso_port" &
	sso_pid=$!
	for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$sso_port/" && break; sleep 0.1; done
	if ! start_nginx --sso-url "http://127.0.0.1:$sso_port"; then
		bad "nginx with --sso-url did not start"
		kill "$sso_pid"
		return
	fi
	req GET '/sign-in/sso?next=/users/7'
	expect_code 302 "SSO sign-in without the proxy's cookie"
	expect_header location '*/oauth2/start?rd=/sign-in/sso?next=/users/7' "sent to the proxy, and back after"
	expect_pool GET '/sign-in/sso?next=/users/7' frontend -H 'Cookie: _oauth2_proxy=ann@example.org'
	[[ $(json .sso_user) == ann@example.org ]] && ok "SSO_USER is the editor the proxy named" ||
		bad "SSO_USER: '$(json .sso_user)'"
	req GET /sign-in/sso -H 'Cookie: _oauth2_proxy=ann@example.org' \
		-H 'X-Auth-Request-Email: mallory@example.org' -H 'SSO-User: mallory'
	[[ $(json .sso_user) == ann@example.org ]] && ok "a client's X-Auth-Request-Email does not replace the proxy's answer" ||
		bad "SSO_USER with forged headers: '$(json .sso_user)'"
	expect_pool POST /api/v1/sessions/sso backend -H 'Cookie: _oauth2_proxy=bob@example.org'
	[[ $(json .sso_user) == bob@example.org ]] && ok "the API's SSO session endpoint gets SSO_USER" ||
		bad "API SSO_USER: '$(json .sso_user)'"
	req POST /api/v1/sessions/sso
	expect_code 401 "the API's SSO endpoint without the proxy's cookie"
	local p
	for p in / /users/1 /api/v1/users /api/v1/sessions /sign-in; do
		req GET "$p" -H 'Cookie: _oauth2_proxy=ann@example.org' -H 'SSO-User: mallory' \
			-H 'X-Auth-Request-Email: mallory@example.org'
		[[ $code == 200 && -z $(json .sso_user) ]] && ok "$p: no SSO_USER outside the SSO locations" ||
			bad "$p: $code SSO_USER '$(json .sso_user)'"
	done
	req GET /oauth2/sign_in
	[[ $code == 200 && $body == fake-sso ]] && ok "/oauth2/ reaches the proxy" || bad "/oauth2/: $code ${body:0:100}"
	req GET /_sso/auth -H 'Cookie: _oauth2_proxy=ann@example.org'
	[[ $code == 404 && -z $(header x-pool) ]] && ok "/_sso/auth is internal (404 from nginx to a client)" ||
		bad "/_sso/auth from outside: $code"
	kill "$sso_pid"
	wait "$sso_pid" 2>/dev/null
	start_nginx || bad "nginx reload (defaults)"
}

# ---- stack mode: the integration stack -------------------------------------------------
stack_up=0
cleanup_stack() {
	((stack_up)) && RUN_DIR=$run PORT=$port scripts/stack.sh stop >/dev/null 2>&1
	rm -rf "$tmp"
}

run_stack() {
	if [[ ! -x scripts/stack.sh ]]; then
		echo "SKIPPED: nginx-routes (stack): scripts/stack.sh does not exist yet; the echo mode ran"
		return
	fi
	if [[ ! -x ${BUILD:-build}/fcgi-backend || ! -x ${BUILD:-build}/fcgi-frontend ]]; then
		echo "SKIPPED: nginx-routes (stack): ${BUILD:-build}/fcgi-backend or fcgi-frontend not built yet; the echo mode ran"
		return
	fi
	trap cleanup_stack EXIT
	if ! RUN_DIR=$run PORT=$port scripts/stack.sh start; then
		bad "scripts/stack.sh start failed"
		return
	fi
	stack_up=1
	# shellcheck disable=SC1091
	source "$run/env"
	base=${BASE_URL:-$base}

	req GET /backend
	expect_code 200 "GET /backend"
	[[ $(json '.[0].userName') == Bob ]] && ok "/backend is the backend's JSON list" || bad "/backend body: ${body:0:200}"
	expect_security_headers "GET /backend"
	req GET /api/v1/users
	[[ $code == 200 && $(json '.total') =~ ^[0-9]+$ ]] && ok "/api/v1/users reaches the backend" || bad "/api/v1/users: $code ${body:0:200}"
	req GET /
	[[ $code == 200 && $body == *"Here are our users"* ]] && ok "/ is the frontend's page" || bad "/: $code ${body:0:200}"
	expect_header content-type 'text/html*' "GET /"
	expect_security_headers "GET /"
	req GET /-/status/backend?json
	[[ $code == 200 && $(json .pool) == backend ]] && ok "/-/status/backend is the backend pool's status" || bad "/-/status/backend: $code ${body:0:200}"
	req GET /-/status/frontend?json
	[[ $code == 200 && $(json .pool) == frontend ]] && ok "/-/status/frontend is the frontend pool's status" || bad "/-/status/frontend: $code ${body:0:200}"
	req GET /-/ping
	expect_code 200 "/-/ping"
	check_guarded
	check_static
	check_robots
	check_body_limit /api/v1/users

	# One pool stopped: its routes answer 502 with nginx's page, the other serves.
	local pidf pid
	for pool in backend frontend; do
		pidf=$run/pids/$pool.pid
		if [[ ! -s $pidf ]]; then
			bad "no $pidf: cannot stop the $pool pool"
			continue
		fi
		pid=$(<"$pidf")
		kill -TERM "$pid"
		for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		if [[ $pool == backend ]]; then
			req GET /api/v1/users
			expect_code 502 "/api/v1/users with the backend stopped"
			expect_header content-type 'application/problem+json*' "API 502"
			req GET /backend
			expect_code 502 "/backend with the backend stopped"
			req GET /-/status/frontend?json
			expect_code 200 "the frontend pool keeps serving"
			# start brings back what is missing (the backend), keeping the data.
			RUN_DIR=$run PORT=$port scripts/stack.sh start >/dev/null 2>&1 || bad "stack restart"
		else
			req GET /users/new
			expect_code 502 "/users/new with the frontend stopped"
			expect_header content-type 'text/html*' "friendly 502 page"
			expect_body '*Service unavailable*' "friendly 502 page text"
			req GET /backend
			expect_code 200 "the backend pool keeps serving"
		fi
	done
}

case $mode in
echo) run_echo ;;
stack) run_stack ;;
*) echo "usage: $0 echo|stack" >&2; exit 2 ;;
esac
echo "nginx-routes ($mode): $checks checks, $fails failed"
((fails == 0))
