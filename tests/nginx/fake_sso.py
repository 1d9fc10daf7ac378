#!/usr/bin/env python3
"""fake_sso.py: a stand-in for oauth2-proxy in the nginx route tests (routes.sh).

It answers the three things nginx asks of an authenticating proxy the way
oauth2-proxy does with --set-xauthrequest:

  GET /oauth2/auth    202 with X-Auth-Request-Email and X-Auth-Request-User when the
                      request carries the cookie _oauth2_proxy=<editor>; else 401
  GET /oauth2/start   302 to ?rd= (where oauth2-proxy would go to the identity
                      provider first)
  anything else       200 "fake-sso" (the proxy's own pages)

usage: fake_sso.py PORT   (listens on 127.0.0.1 only; stops on SIGTERM)
"""
import http.cookies
import http.server
import signal
import sys
import urllib.parse


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, headers=(), body=b""):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/oauth2/auth":
            jar = http.cookies.SimpleCookie(self.headers.get("Cookie", ""))
            who = jar["_oauth2_proxy"].value if "_oauth2_proxy" in jar else ""
            if who:
                self.answer(202, [("X-Auth-Request-Email", who),
                                  ("X-Auth-Request-User", who.split("@")[0])])
            else:
                self.answer(401)
        elif url.path == "/oauth2/start":
            rd = urllib.parse.parse_qs(url.query).get("rd", ["/"])[0]
            self.answer(302, [("Location", rd)])
        else:
            self.answer(200, [("Content-Type", "text/plain")], b"fake-sso")


def main():
    port = int(sys.argv[1])
    server = http.server.HTTPServer(("127.0.0.1", port), Handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server.serve_forever()


if __name__ == "__main__":
    main()
