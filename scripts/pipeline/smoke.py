#!/usr/bin/env python3
"""Smoke-test a running fcgi-users at a base URL, the way a user would notice it broken.

    scripts/pipeline/smoke.py http://127.0.0.1:8080        (make smoke URL=...)

Checks, in order: the list page answers 200 HTML with "Here are our users:"; the old
API `GET /backend` answers a JSON array of {"userName": ...}; `/api/v1/health` and
`/api/v1/ready` (database reachable) answer 200; the stylesheet is served; an unknown
user is a 404 problem+json. Waits up to --wait seconds for the first answer (a fresh
deployment may still be starting). Prints one line per check; exits 0 when all pass,
1 when any fails, 2 on bad usage. Python 3 standard library only.
"""
import argparse
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def ctype(self):
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()


def fetch(url, timeout):
    req = urllib.request.Request(url, headers={"User-Agent": "fcgi-users-smoke/1",
                                               "Accept": "*/*"})
    # No proxies: the target is named explicitly (the VM, the cluster, loopback).
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(req, timeout=timeout) as r:
            return Response(r.status, r.headers, r.read())
    except urllib.error.HTTPError as err:
        return Response(err.code, err.headers, err.read())


def check_list(r):
    if r.status != 200:
        return f"status {r.status}, want 200"
    if r.ctype != "text/html":
        return f"Content-Type {r.ctype!r}, want text/html"
    if b"Here are our users:" not in r.body:
        return "the page lacks 'Here are our users:'"
    return None


def check_backend(r):
    if r.status != 200:
        return f"status {r.status}, want 200"
    try:
        data = json.loads(r.body)
    except ValueError as err:
        return f"not JSON: {err}"
    if not isinstance(data, list):
        return f"not a JSON array: {type(data).__name__}"
    bad = [x for x in data if not (isinstance(x, dict) and isinstance(x.get("userName"), str))]
    if bad:
        return f"items without a userName string: {bad[:3]!r}"
    return None


def want_status(code):
    def check(r):
        return None if r.status == code else f"status {r.status}, want {code}"
    return check


def check_css(r):
    if r.status != 200:
        return f"status {r.status}, want 200"
    if r.ctype != "text/css":
        return f"Content-Type {r.ctype!r}, want text/css"
    return None


def check_missing_user(r):
    if r.status != 404:
        return f"status {r.status}, want 404"
    if r.ctype != "application/problem+json":
        return f"Content-Type {r.ctype!r}, want application/problem+json"
    return None


CHECKS = [
    ("list page", "/", check_list),
    ("old API GET /backend", "/backend", check_backend),
    ("health", "/api/v1/health", want_status(200)),
    ("ready (database answers)", "/api/v1/ready", want_status(200)),
    ("stylesheet", "/static/style.css", check_css),
    ("unknown user is 404", "/api/v1/users/2147483646", check_missing_user),
]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="base URL, e.g. http://127.0.0.1:8080")
    parser.add_argument("--wait", type=float, default=30, help="seconds to wait for a first answer")
    parser.add_argument("--timeout", type=float, default=10, help="seconds per request")
    args = parser.parse_args(argv)

    base = urllib.parse.urlsplit(args.url)
    if base.scheme not in ("http", "https") or not base.netloc:
        print(f"smoke: URL must be http(s)://host[:port], not {args.url!r}", file=sys.stderr)
        return 2
    root = args.url.rstrip("/")

    deadline = time.monotonic() + args.wait
    while True:
        try:
            fetch(root + "/api/v1/health", args.timeout)
            break
        except (urllib.error.URLError, OSError) as err:
            if time.monotonic() >= deadline:
                print(f"smoke: FAIL: nothing answers at {root} after {args.wait:g}s: {err}")
                return 1
            time.sleep(1)

    failed = 0
    for label, path, check in CHECKS:
        try:
            problem = check(fetch(root + path, args.timeout))
        except (urllib.error.URLError, OSError) as err:
            problem = f"no answer: {err}"
        if problem:
            failed += 1
            print(f"smoke: FAIL {label}: GET {path}: {problem}")
        else:
            print(f"smoke: ok   {label}: GET {path}")
    print(f"smoke: {root}: {len(CHECKS) - failed} of {len(CHECKS)} checks passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
