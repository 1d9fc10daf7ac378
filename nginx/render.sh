#!/usr/bin/env bash
# render.sh: renders the one nginx configuration of fcgi-users for a place (local
# stack, test VM, Helm chart). The routes, headers, FastCGI settings and http-level
# settings live in the shared files next to this script and are inlined unchanged;
# only what differs per place is rendered here: listen address, upstream addresses,
# paths (pid, temp, logs, static files, error pages), the nginx worker count, the
# upstream keep-alive (derived from pool sizes, see keepalive_for), and the options.
# Run `render.sh --help` for the options; nginx/README.md for the rule and the chart.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() {
	cat <<'EOF'
usage: nginx/render.sh local|vm|chart [options]

Prints the nginx configuration for a place on stdout (or writes it with -o).
Every option can also be given as the environment variable in brackets.

  --listen ADDR            where nginx listens: host:port or unix:/path [NGINX_LISTEN]
                           (local 127.0.0.1:8080, vm 0.0.0.0:80, chart 0.0.0.0:8080)
  --backend ADDR           backend pool address: unix:/path.sock or host:port;
                           repeat for several servers [NGINX_BACKEND, space-separated]
  --frontend ADDR          frontend pool address, same forms [NGINX_FRONTEND]
  --static-root DIR        directory served at /static/ [NGINX_STATIC_ROOT]
  --errors-root DIR        directory with the error pages (nginx/errors)
                           [NGINX_ERRORS_ROOT]
  --prefix DIR             put pid, temp, cache and log paths under DIR (required
                           for local; vm and chart have system defaults)
                           [NGINX_PREFIX]
  --backend-workers N      workers in ONE backend pool server (its WORKERS; default 4,
                           the pools' default) [BACKEND_WORKERS]
  --frontend-workers N     workers in ONE frontend pool server [FRONTEND_WORKERS]
  --nginx-workers W        nginx worker_processes (a number: the keep-alive rule
                           needs it) [NGINX_WORKERS] (default 2)
  --backend-concurrency C  the most requests nginx can have in flight to the backend
                           pool at once, if something bounds it below its worker
                           count; default: its worker count (it can be saturated)
                           [BACKEND_CONCURRENCY]
  --frontend-concurrency C the same for the frontend pool [FRONTEND_CONCURRENCY]
  --keepalive N            override the derived upstream keep-alive for both pools;
                           0 turns keep-alive off [KEEPALIVE]
  --backend-keepalive N    override for the backend upstream only [BACKEND_KEEPALIVE]
  --frontend-keepalive N   override for the frontend upstream only [FRONTEND_KEEPALIVE]
  --log-format text|json   access log format [NGINX_LOG_FORMAT] (default text)
  --access-log PATH|off    access log destination (default under the prefix; chart:
                           /dev/stdout) [NGINX_ACCESS_LOG]
  --error-log PATH         error log destination [NGINX_ERROR_LOG]
  --rate-limit RATE        limit writes (POST/PUT/PATCH/DELETE) per client address,
                           e.g. 10r/s; "off" (default) [NGINX_RATE_LIMIT]
  --sign-in-rate RATE      sign-in attempts (POST /sign-in, POST /api/v1/sessions…)
                           per client address, e.g. 10r/m (default; burst 5), or
                           "off" [NGINX_SIGN_IN_RATE]
  --sso-url URL            single sign-on: the authenticating proxy (oauth2-proxy)
                           as http://host:port; nginx asks it (auth_request) on
                           /sign-in/sso and /api/v1/sessions/sso and passes the
                           editor it names as the FastCGI param SSO_USER; off
                           when unset [NGINX_SSO_URL]
  --sso-user-header NAME   the proxy's answer header naming the editor (default
                           X-Auth-Request-Email; oauth2-proxy --set-xauthrequest)
                           [NGINX_SSO_USER_HEADER]
  --conn-limit N|off       connections with a request in progress per client address
                           (default 32); more get 429 at once [NGINX_CONN_LIMIT]
  --micro-cache            cache anonymous GET pages for 1 s [NGINX_MICRO_CACHE=1];
                           --no-micro-cache turns it off again
  --status-allow CIDRS     addresses allowed to read status and ping pages, comma
                           or space separated (default 127.0.0.1,::1)
                           [NGINX_STATUS_ALLOW]
  --real-ip-from CIDRS     trusted proxies/ingress: take the client address from
                           their X-Forwarded-For [NGINX_REAL_IP_FROM]
  --stub-status ADDR       also serve nginx's stub_status at ADDR/stub_status (host:port,
                           loopback: what prometheus-nginx-exporter reads); "off"
                           (default) [NGINX_STUB_STATUS]
  --user USER              the "user" directive (vm: www-data; local as root: root)
                           [NGINX_USER]
  -o, --output FILE        write the configuration to FILE instead of stdout
  --chart-files DIR        (chart) write the files the chart must ship next to its
                           nginx.conf into DIR (the shared files, errors/ below
                           them), and print no configuration unless -o is given
  -h, --help               this text

Keep-alive rule (per upstream, see nginx/README.md and docs/nginx-tuning.md):
  keepalive = max(0, floor((P - 1 - C) / W)), where P = pool workers behind the
  upstream (WORKERS x servers), C = the most requests in flight to that pool (default
  P: it can be saturated) and W = nginx workers. 0 means no "keepalive" line at all,
  which is what the defaults give: a pool that can be saturated gets no keep-alive.
EOF
}

die() {
	echo "render.sh: $*" >&2
	exit 2
}

# keepalive_for P C W: the idle connections one nginx worker may cache towards a pool
# of P workers that sees at most C requests in flight, with W nginx workers. A libfcgi
# worker serves one connection at a time and a kept connection holds it until nginx
# closes it; nginx's "keepalive N" bounds only the IDLE connections of each worker,
# while every connection in use stays kept too. So up to C (in use) + W * N (idle)
# pool workers can be held by kept connections, and a request that needs a new
# connection waits for a pool worker to be freed, which under load rarely happens:
# measured, p99 from 49 ms to 2.2 s (docs/nginx-tuning.md). Safe only when
# C + W * N <= P - 1, one worker always left to accept.
keepalive_for() {
	local p=$1 c=$2 w=$3 n
	n=$(((p - 1 - c) / w))
	((n > 0)) || n=0
	echo "$n"
}

is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }
is_posint() { [[ $1 =~ ^[1-9][0-9]*$ ]]; }

check_addr() { # name value
	local v=$2
	if [[ $v == unix:* ]]; then
		[[ ${v#unix:} == /* ]] || die "$1: unix socket path must be absolute: $v"
	elif [[ ! $v =~ ^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+):[0-9]+$ ]]; then
		die "$1: expected unix:/path.sock or host:port, got '$v'"
	fi
}

place=${1:-}
case $place in
-h | --help) usage; exit 0 ;;
local | vm | chart) shift ;;
'') usage >&2; exit 2 ;;
*) die "unknown place '$place' (local, vm or chart)" ;;
esac

listen=${NGINX_LISTEN:-}
read -r -a backends <<<"${NGINX_BACKEND:-}"
read -r -a frontends <<<"${NGINX_FRONTEND:-}"
static_root=${NGINX_STATIC_ROOT:-}
errors_root=${NGINX_ERRORS_ROOT:-}
prefix=${NGINX_PREFIX:-}
backend_workers=${BACKEND_WORKERS:-4}
frontend_workers=${FRONTEND_WORKERS:-4}
nginx_workers=${NGINX_WORKERS:-2}
keepalive=${KEEPALIVE:-}
backend_keepalive=${BACKEND_KEEPALIVE:-}
backend_concurrency=${BACKEND_CONCURRENCY:-}
frontend_concurrency=${FRONTEND_CONCURRENCY:-}
frontend_keepalive=${FRONTEND_KEEPALIVE:-}
log_format=${NGINX_LOG_FORMAT:-text}
access_log=${NGINX_ACCESS_LOG:-}
error_log=${NGINX_ERROR_LOG:-}
rate_limit=${NGINX_RATE_LIMIT:-off}
sign_in_rate=${NGINX_SIGN_IN_RATE:-10r/m}
sso_url=${NGINX_SSO_URL:-}
sso_user_header=${NGINX_SSO_USER_HEADER:-X-Auth-Request-Email}
conn_limit=${NGINX_CONN_LIMIT:-32}
micro_cache=${NGINX_MICRO_CACHE:-0}
status_allow=${NGINX_STATUS_ALLOW:-127.0.0.1,::1}
real_ip_from=${NGINX_REAL_IP_FROM:-}
user=${NGINX_USER:-}
stub_status=${NGINX_STUB_STATUS:-off}
output=
chart_files=
cli_backends=() cli_frontends=()

need() { (($# >= 2)) || die "$1 needs a value"; }
while (($#)); do
	case $1 in
	--listen) need "$@"; listen=$2; shift ;;
	--backend) need "$@"; cli_backends+=("$2"); shift ;;
	--frontend) need "$@"; cli_frontends+=("$2"); shift ;;
	--static-root) need "$@"; static_root=$2; shift ;;
	--errors-root) need "$@"; errors_root=$2; shift ;;
	--prefix) need "$@"; prefix=$2; shift ;;
	--backend-workers) need "$@"; backend_workers=$2; shift ;;
	--frontend-workers) need "$@"; frontend_workers=$2; shift ;;
	--nginx-workers) need "$@"; nginx_workers=$2; shift ;;
	--keepalive) need "$@"; keepalive=$2; shift ;;
	--backend-keepalive) need "$@"; backend_keepalive=$2; shift ;;
	--backend-concurrency) need "$@"; backend_concurrency=$2; shift ;;
	--frontend-concurrency) need "$@"; frontend_concurrency=$2; shift ;;
	--frontend-keepalive) need "$@"; frontend_keepalive=$2; shift ;;
	--log-format) need "$@"; log_format=$2; shift ;;
	--access-log) need "$@"; access_log=$2; shift ;;
	--error-log) need "$@"; error_log=$2; shift ;;
	--rate-limit) need "$@"; rate_limit=$2; shift ;;
	--sign-in-rate) need "$@"; sign_in_rate=$2; shift ;;
	--sso-url) need "$@"; sso_url=$2; shift ;;
	--sso-user-header) need "$@"; sso_user_header=$2; shift ;;
	--conn-limit) need "$@"; conn_limit=$2; shift ;;
	--micro-cache) micro_cache=1 ;;
	--no-micro-cache) micro_cache=0 ;;
	--status-allow) need "$@"; status_allow=$2; shift ;;
	--real-ip-from) need "$@"; real_ip_from=$2; shift ;;
	--user) need "$@"; user=$2; shift ;;
	--stub-status) need "$@"; stub_status=$2; shift ;;
	-o | --output) need "$@"; output=$2; shift ;;
	--chart-files) need "$@"; chart_files=$2; shift ;;
	-h | --help) usage; exit 0 ;;
	*) die "unknown option '$1' (see --help)" ;;
	esac
	shift
done
((${#cli_backends[@]})) && backends=("${cli_backends[@]}")
((${#cli_frontends[@]})) && frontends=("${cli_frontends[@]}")

# ---- per-place defaults -------------------------------------------------------------
if [[ -n $prefix ]]; then
	[[ $prefix == /* ]] || prefix=$(pwd)/$prefix
	prefix=${prefix%/}
fi
case $place in
local)
	: "${listen:=127.0.0.1:8080}"
	[[ -n $prefix ]] || die "local needs --prefix RUN_DIR (pid, temp and log paths)"
	((${#backends[@]})) || backends=("unix:$prefix/backend.sock")
	((${#frontends[@]})) || frontends=("unix:$prefix/frontend.sock")
	: "${static_root:=$(cd "$here/.." && pwd)/build/static}" # make: fingerprinted names too
	: "${errors_root:=$here/errors}"
	# As root, workers would become "nobody" and could not open the pools' sockets
	# or the work tree; a local stack keeps the caller's identity.
	[[ -z $user && $(id -u) == 0 ]] && user=root
	;;
vm)
	: "${listen:=0.0.0.0:80}"
	((${#backends[@]})) || backends=("unix:/run/fcgi-users/backend.sock")
	((${#frontends[@]})) || frontends=("unix:/run/fcgi-users/frontend.sock")
	: "${static_root:=/usr/share/fcgi-users/static}"
	: "${errors_root:=/usr/share/fcgi-users/nginx/errors}"
	: "${user:=www-data}"
	;;
chart)
	: "${listen:=0.0.0.0:8080}"
	((${#backends[@]})) || backends=("fcgi-users-backend:9000")
	((${#frontends[@]})) || frontends=("127.0.0.1:9001")
	: "${static_root:=/usr/share/fcgi-users/static}"
	: "${errors_root:=/etc/nginx/fcgi-users-errors}"
	: "${prefix:=/tmp/nginx}"
	: "${access_log:=/dev/stdout}"
	: "${error_log:=/dev/stderr}"
	;;
esac

if [[ -n $prefix ]]; then
	pid_path=$prefix/nginx.pid
	# nginx creates only the last part of a temp path: nginx-temp must exist (local:
	# created below; chart: runDir is an emptyDir, nginx-temp made at start).
	temp_dir=$prefix/nginx-temp
	log_dir=$prefix/logs
else # vm: Debian's locations
	pid_path=/run/nginx.pid
	temp_dir=/var/lib/nginx
	log_dir=/var/log/nginx
fi
: "${access_log:=$log_dir/nginx-access.log}"
: "${error_log:=$log_dir/nginx-error.log}"

# ---- validation -----------------------------------------------------------------------
[[ $listen =~ ^(unix:/.+|(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+):[0-9]+)$ ]] ||
	die "--listen: expected host:port or unix:/path, got '$listen'"
for a in "${backends[@]}"; do check_addr --backend "$a"; done
for a in "${frontends[@]}"; do check_addr --frontend "$a"; done
is_posint "$backend_workers" || die "--backend-workers: expected a positive number, got '$backend_workers'"
is_posint "$frontend_workers" || die "--frontend-workers: expected a positive number, got '$frontend_workers'"
is_posint "$nginx_workers" || die "--nginx-workers: expected a positive number, got '$nginx_workers'"
for v in keepalive backend_keepalive frontend_keepalive backend_concurrency frontend_concurrency; do
	[[ -z ${!v} ]] || is_uint "${!v}" || die "--${v//_/-}: expected a number >= 0, got '${!v}'"
done
[[ $log_format == text || $log_format == json ]] || die "--log-format: text or json, got '$log_format'"
[[ $rate_limit == off || $rate_limit =~ ^[1-9][0-9]*r/[sm]$ ]] ||
	die "--rate-limit: expected a rate such as 10r/s or 600r/m, or off; got '$rate_limit'"
[[ $sign_in_rate == off || $sign_in_rate =~ ^[1-9][0-9]*r/[sm]$ ]] ||
	die "--sign-in-rate: expected a rate such as 10r/m, or off; got '$sign_in_rate'"
[[ -z $sso_url || $sso_url =~ ^https?://([A-Za-z0-9.-]+|\[[0-9a-fA-F:.]+\])(:[0-9]+)?$ ]] ||
	die "--sso-url: expected http://host:port of the authenticating proxy, got '$sso_url'"
[[ $sso_user_header =~ ^[A-Za-z][A-Za-z0-9-]*$ ]] ||
	die "--sso-user-header: expected a header name, got '$sso_user_header'"
# nginx's variable for a response header of the auth subrequest.
sso_user_var=\$upstream_http_$(tr 'A-Z-' 'a-z_' <<<"$sso_user_header")
[[ $conn_limit == off || $conn_limit =~ ^[1-9][0-9]{0,5}$ ]] ||
	die "--conn-limit: expected a number of connections such as 32, or off; got '$conn_limit'"
[[ $micro_cache == 0 || $micro_cache == 1 ]] || die "NGINX_MICRO_CACHE: 0 or 1, got '$micro_cache'"
[[ $static_root == /* ]] || die "--static-root must be an absolute path: '$static_root'"
[[ $errors_root == /* ]] || die "--errors-root must be an absolute path: '$errors_root'"
[[ $stub_status == off || $stub_status =~ ^(\[[0-9a-fA-F:.]+\]|[0-9.]+|localhost):[0-9]+$ ]] ||
	die "--stub-status: expected host:port (an address, loopback) or off, got '$stub_status'"
[[ -z $user || $user =~ ^[a-z_][a-z0-9_-]*( [a-z_][a-z0-9_-]*)?$ ]] || die "--user: bad user name '$user'"
cidr_list() { # "a,b c" -> one per line, each checked
	local c
	for c in ${1//,/ }; do
		[[ $c =~ ^[0-9a-fA-F:.]+(/[0-9]{1,3})?$ ]] || die "$2: not an address or CIDR: '$c'"
		echo "$c"
	done
}
cidr_list "$status_allow" --status-allow >/dev/null
cidr_list "$real_ip_from" --real-ip-from >/dev/null
mapfile -t allow < <(cidr_list "$status_allow" --status-allow)
mapfile -t trusted < <(cidr_list "$real_ip_from" --real-ip-from)

# ---- keep-alive per upstream ----------------------------------------------------------
# P counts the pool workers behind the upstream: WORKERS of one server times servers.
backend_pool=$((backend_workers * ${#backends[@]}))
frontend_pool=$((frontend_workers * ${#frontends[@]}))
# C defaults to P: nothing bounds the requests a pool sees below its size (browsers
# reach both pools; the backend also serves the frontend's own calls).
: "${backend_concurrency:=$backend_pool}" "${frontend_concurrency:=$frontend_pool}"
ka_backend=${backend_keepalive:-${keepalive:-$(keepalive_for "$backend_pool" "$backend_concurrency" "$nginx_workers")}}
ka_frontend=${frontend_keepalive:-${keepalive:-$(keepalive_for "$frontend_pool" "$frontend_concurrency" "$nginx_workers")}}

# ---- output -----------------------------------------------------------------------
# The files the chart mounts next to its nginx.conf (see nginx/README.md).
shared_files=(http.conf routes.conf fastcgi.conf fastcgi_params security-headers.conf
	static.conf mime.types)

# inline FILE INDENT: a shared file with its own "include NAME;" lines of shared
# files replaced by their content, so the result needs no include path at all. The
# chart instead mounts the shared files next to nginx.conf and includes them by name
# (nginx resolves a relative include against the main file's directory).
inline() {
	local file=$1 ind=$2 line name
	[[ -r $here/$file ]] || die "missing shared file nginx/$file"
	if [[ $place == chart ]]; then
		echo "${ind}include $file; # nginx/$file, shipped unchanged by the chart"
		return
	fi
	echo "${ind}# ---- nginx/$file (shared, inlined unchanged) ----"
	while IFS= read -r line || [[ -n $line ]]; do
		if [[ $line =~ ^([[:space:]]*)include[[:space:]]+([A-Za-z0-9._-]+)\;[[:space:]]*$ && -r $here/${BASH_REMATCH[2]} ]]; then
			name=${BASH_REMATCH[2]}
			inline "$name" "$ind${BASH_REMATCH[1]}"
		elif [[ -z $line ]]; then
			echo
		else
			echo "$ind$line"
		fi
	done <"$here/$file"
	echo "${ind}# ---- end of nginx/$file ----"
}

upstream() { # name keepalive pool_size concurrency nginx_workers addr...
	local name=$1 ka=$2 p=$3 c=$4 w=$5
	shift 5
	echo "    upstream $name {"
	local a
	for a in "$@"; do
		# max_fails/fail_timeout: after 3 failures within 10s a server is skipped for
		# 10s (only meaningful with several servers; a lone server is never skipped).
		echo "        server $a max_fails=3 fail_timeout=10s;"
	done
	if ((ka > 0)); then
		cat <<EOF
        # Idle connections cached PER nginx worker; each pins one pool worker, and so
        # does every kept connection in use. Rule: C + W * keepalive <= P - 1
        # (P=$p pool workers, C=$c requests in flight at most, W=$w nginx workers).
        keepalive $ka;
        # Close idle connections soon: a pinned pool worker serves no one else.
        keepalive_timeout 10s;
        # Recycle a connection now and then (set below the pool's MAX_REQUESTS).
        keepalive_requests 500;
EOF
	else
		echo "        # keep-alive off: a kept connection holds a pool worker even while idle;"
		echo "        # with P=$p pool workers, up to C=$c requests in flight and W=$w nginx"
		echo "        # workers, the rule C + W * keepalive <= P - 1 leaves none (or overridden)."
	fi
	echo "    }"
}

# keep_conn KA...: fastcgi_keep_conn for every fastcgi_pass (it takes no variable, so it
# is one switch for both upstreams): on only when an upstream caches connections. Off,
# nginx does not ask the pool to keep the connection and the worker closes it as soon
# as it has answered; on without a cache, the worker would wait for nginx to close it.
keep_conn() {
	local ka on=off
	for ka in "$@"; do ((ka > 0)) && on=on; done
	echo "    # FCGI_KEEP_CONN only where an upstream above keeps connections (keepalive $1/$2)."
	echo "    fastcgi_keep_conn $on;"
}

# The single sign-on locations (--sso-url). nginx asks the proxy about each request
# to the two SSO entry points (auth_request) and hands the pool the editor it names
# as the FastCGI param SSO_USER: a param only nginx sets (a client's headers reach
# the pools as HTTP_*), and only on these two locations.
sso_locations() {
	local in="            "
	cat <<EOF
        # ---- single sign-on through $sso_url (render.sh --sso-url) ----
        # The proxy's own pages and callback (sign in at the identity provider).
        location ^~ /oauth2/ {
            proxy_pass $sso_url;
            proxy_set_header Host \$host;
            proxy_set_header X-Real-IP \$remote_addr;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_set_header X-Forwarded-Host \$host;
            proxy_set_header X-Auth-Request-Redirect \$request_uri;
        }
        # The check nginx makes: 2xx with the editor in $sso_user_header, or 401.
        location = /_sso/auth {
            internal;
            proxy_pass $sso_url/oauth2/auth;
            proxy_pass_request_body off;
            proxy_set_header Content-Length "";
            proxy_set_header Host \$host;
            proxy_set_header X-Original-URI \$request_uri;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_set_header X-Forwarded-Host \$host;
        }
        # Not signed in at the proxy yet: go there, and come back here after.
        location @fcgi_sso_start {
            return 302 /oauth2/start?rd=\$request_uri;
        }
        # Pages: the frontend turns the proxy's editor into a session.
        location = /sign-in/sso {
            auth_request /_sso/auth;
            auth_request_set \$fcgi_sso_user $sso_user_var;
            error_page 401 = @fcgi_sso_start;
EOF
	inline fastcgi.conf "$in"
	echo "${in}fastcgi_param SSO_USER \$fcgi_sso_user;"
	inline security-headers.conf "$in"
	cat <<EOF
            fastcgi_pass fcgi_frontend;
        }
        # API: a session for the editor the proxy names (POST).
        location = /api/v1/sessions/sso {
            limit_req zone=fcgi_sign_in burst=5 nodelay;
            auth_request /_sso/auth;
            auth_request_set \$fcgi_sso_user $sso_user_var;
            error_page 502 503 /_errors/502.json;
            error_page 504 /_errors/504.json;
            error_page 429 /_errors/429.json;
EOF
	inline fastcgi.conf "$in"
	echo "${in}fastcgi_param SSO_USER \$fcgi_sso_user;"
	inline security-headers.conf "$in"
	cat <<EOF
            fastcgi_pass fcgi_backend;
        }

EOF
}

render() {
	local a
	cat <<EOF
# fcgi-users nginx configuration for place "$place", rendered by nginx/render.sh.
# Do not edit: change nginx/*.conf or the render options and render again.
# backend: ${backends[*]} (P=$backend_pool, C=$backend_concurrency, keepalive $ka_backend)
# frontend: ${frontends[*]} (P=$frontend_pool, C=$frontend_concurrency, keepalive $ka_frontend)
# nginx workers: $nginx_workers
EOF
	[[ -n $user ]] && echo "user $user;"
	cat <<EOF
worker_processes $nginx_workers;
pid $pid_path;
error_log $error_log warn;

events {
    worker_connections 1024;
}

http {
    client_body_temp_path $temp_dir/body;
    fastcgi_temp_path $temp_dir/fastcgi;
    proxy_temp_path $temp_dir/proxy;
    scgi_temp_path $temp_dir/scgi;
    uwsgi_temp_path $temp_dir/uwsgi;

EOF
	inline http.conf "    "
	echo
	if [[ $access_log == off ]]; then
		echo "    access_log off;"
	else
		echo "    access_log $access_log fcgi_$log_format;"
	fi
	echo
	echo "    # Addresses allowed to read the status and ping pages."
	echo "    geo \$fcgi_internal {"
	echo "        default 0;"
	for a in "${allow[@]}"; do echo "        $a 1;"; done
	echo "    }"
	if ((${#trusted[@]})); then
		echo "    # Trusted proxies: the client address comes from their X-Forwarded-For."
		for a in "${trusted[@]}"; do echo "    set_real_ip_from $a;"; done
		echo "    real_ip_header X-Forwarded-For;"
		echo "    real_ip_recursive on;"
	fi
	echo
	if [[ $rate_limit == off ]]; then
		cat <<'EOF'
    # Write rate limit: off (an empty key is never limited).
    map $request_method $fcgi_write_key {
        default "";
    }
    limit_req_zone $fcgi_write_key zone=fcgi_writes:1m rate=10r/s;
EOF
	else
		cat <<EOF
    # Write rate limit: $rate_limit per client address, for writes from outside.
    map "\$request_method:\$fcgi_internal" \$fcgi_write_key {
        default "";
        ~^(POST|PUT|PATCH|DELETE):0\$ \$binary_remote_addr;
    }
    limit_req_zone \$fcgi_write_key zone=fcgi_writes:10m rate=$rate_limit;
EOF
	fi
	echo
	if [[ $sign_in_rate == off ]]; then
		cat <<'EOF'
    # Sign-in attempt limit: off (an empty key is never limited).
    map $request_method $fcgi_sign_in_key {
        default "";
    }
    limit_req_zone $fcgi_sign_in_key zone=fcgi_sign_in:1m rate=10r/m;
EOF
	else
		cat <<EOF
    # Sign-in attempts: $sign_in_rate per client address (routes.conf "sign-in"): form
    # posts to /sign-in, and session requests from outside (the frontend's own, from
    # internal addresses, are the form posts already counted).
    map "\$request_method:\$fcgi_internal:\$uri" \$fcgi_sign_in_key {
        default "";
        ~^POST:[01]:/sign-in\$ \$binary_remote_addr;
        ~^POST:0:/api/v1/sessions \$binary_remote_addr;
    }
    limit_req_zone \$fcgi_sign_in_key zone=fcgi_sign_in:10m rate=$sign_in_rate;
EOF
	fi
	echo
	if [[ $conn_limit == off ]]; then
		echo "    # Connections per client address: no limit (--conn-limit off)."
	else
		cat <<'EOF'
    # Connections per client address (after real_ip) with a request in progress:
    # slow bodies and slow readers from one address cannot hold every connection.
    limit_conn_zone $binary_remote_addr zone=fcgi_conns:10m;
EOF
	fi
	echo
	if ((micro_cache)); then
		cat <<EOF
    # Micro-cache for anonymous GET pages (routes.conf "location /").
    fastcgi_cache_path $temp_dir/microcache levels=1:2 keys_zone=fcgi_micro:10m
        max_size=64m inactive=1m use_temp_path=off;
    map \$request_method \$fcgi_microcache {
        default fcgi_micro;
    }
EOF
	else
		cat <<'EOF'
    # Micro-cache: off.
    map $request_method $fcgi_microcache {
        default off;
    }
EOF
	fi
	cat <<'EOF'
    # The "just wrote" cookie: set on every write's answer. For 10 s the writer's
    # requests bypass the micro-cache (longer than a cached page lives) and the backend
    # reads for them from the primary, not the replica (DATABASE_READ_URI): a client
    # always sees its own change.
    map $request_method $fcgi_wrote_cookie {
        default "";
        ~^(POST|PUT|PATCH|DELETE)$ "fcgi_users_wrote=1; Max-Age=10; Path=/; HttpOnly; SameSite=Lax";
    }
EOF
	cat <<EOF
    map \$request_method \$fcgi_errors_root {
        default "$errors_root";
    }

EOF
	upstream fcgi_backend "$ka_backend" "$backend_pool" "$backend_concurrency" "$nginx_workers" "${backends[@]}"
	echo
	upstream fcgi_frontend "$ka_frontend" "$frontend_pool" "$frontend_concurrency" "$nginx_workers" "${frontends[@]}"
	echo
	keep_conn "$ka_backend" "$ka_frontend"
	cat <<EOF

    server {
        listen ${listen#http://} default_server;
        server_name _;
EOF
	[[ $conn_limit == off ]] || echo "        limit_conn fcgi_conns $conn_limit;"
	cat <<EOF

        location ^~ /static/ {
            alias $static_root/;
EOF
	inline static.conf "            "
	echo "        }"
	echo
	[[ -z $sso_url ]] || sso_locations
	inline routes.conf "        "
	echo "    }"
	if [[ $stub_status != off ]]; then
		cat <<EOF

    # nginx's own counters for prometheus-nginx-exporter, on its own listener (keep it
    # on loopback: the exporter runs beside nginx), never through the routes above.
    server {
        listen $stub_status;
        access_log off;
        location = /stub_status {
            stub_status;
        }
        location / {
            return 404;
        }
    }
EOF
	fi
	echo "}"
}

if [[ $place == local ]]; then
	mkdir -p "$log_dir" "$temp_dir"
fi
if [[ -n $chart_files ]]; then
	[[ $place == chart ]] || die "--chart-files is for the chart only"
	mkdir -p "$chart_files" || die "--chart-files: cannot create $chart_files"
	# Remove what an earlier run wrote (only files of these kinds), then copy.
	find "$chart_files" -maxdepth 2 -type f \( -name '*.conf' -o -name '*.html' -o -name '*.json' \
		-o -name fastcgi_params -o -name mime.types \) -delete
	mkdir -p "$chart_files/errors"
	for f in "${shared_files[@]}"; do cp "$here/$f" "$chart_files/$f"; done
	cp "$here"/errors/*.html "$here"/errors/*.json "$chart_files/errors/"
	[[ -n $output ]] || exit 0
fi
if [[ -n $output ]]; then
	tmp=$(mktemp "$output.XXXXXX")
	trap 'rm -f "$tmp"' EXIT
	render >"$tmp"
	mv "$tmp" "$output"
else
	render
fi
