"""Flask peer, frontend: the page service the way the old Flask system would write it:
it asks the backend over HTTP (requests, one keep-alive session per worker) and renders
a Jinja template. GET / with q and page, the same markup as fcgi-frontend's list page.
Settings: BACKEND_URL. Run under gunicorn."""
import os
from urllib.parse import quote

import requests
from flask import Flask, render_template, request

BACKEND_URL = os.environ["BACKEND_URL"].rstrip("/")
PAGE_SIZE = int(os.environ.get("PAGE_SIZE", "20"))

app = Flask(__name__)
app.jinja_env.keep_trailing_newline = True  # the same bytes as the other stacks
http = requests.Session()
# The headers fcgi-frontend sends with every page.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


@app.get("/")
def user_list():
    q = request.args.get("q", "")
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and int(page) >= 1 else 1
    params = {"limit": PAGE_SIZE, "offset": (page - 1) * PAGE_SIZE}
    if q:
        params["q"] = q
    r = http.get(BACKEND_URL + "/api/v1/users", params=params, timeout=5)
    r.raise_for_status()
    data = r.json()
    pages = max(1, (data["total"] + PAGE_SIZE - 1) // PAGE_SIZE)
    body = render_template("list.html", users=data["items"], total=data["total"], q=q,
                           q_enc=quote(q, safe=""), page=page, pages=pages)
    return body, 200, PAGE_HEADERS
