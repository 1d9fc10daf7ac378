"""Flask peer, frontend: the page service the way the old Flask system would write it:
it asks the backend over HTTP (requests, one keep-alive session per worker) and renders
a Jinja template. GET / with q and page, the same markup as fcgi-frontend's list page.
Settings: BACKEND_URL. Run under gunicorn."""
import os

import requests
from flask import Flask, render_template, request

BACKEND_URL = os.environ["BACKEND_URL"].rstrip("/")
PAGE_SIZE = 50

app = Flask(__name__)
http = requests.Session()


@app.get("/")
def user_list():
    q = request.args.get("q", "")
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and int(page) >= 1 else 1
    r = http.get(
        BACKEND_URL + "/api/v1/users",
        params={"limit": PAGE_SIZE, "offset": (page - 1) * PAGE_SIZE, "q": q},
        timeout=5,
    )
    r.raise_for_status()
    data = r.json()
    pages = max(1, (data["total"] + PAGE_SIZE - 1) // PAGE_SIZE)
    return render_template("list.html", users=data["items"], total=data["total"], q=q,
                           page=page, pages=pages)
