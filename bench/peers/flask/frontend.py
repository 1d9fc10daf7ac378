"""Flask peer, frontend: the page service the way the old Flask system would write it:
it asks the backend over HTTP (requests, one keep-alive session per worker) and renders
a Jinja template. GET / with q, page and sort (A–Z by name, or sort=newest; a search
is A–Z), the same markup as fcgi-frontend's list page.
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


def pager_items(page, pages, exact):
    """The pager's links as fcgi-frontend/pager.c plans them; 0 is a "…"."""
    lo, hi = max(1, page - 1), min(pages, page + 1)
    if lo == 3:
        lo = 2
    if hi == pages - 2:
        hi = pages - 1
    items = ([1, 0] if lo > 2 else [1]) if lo > 1 else []
    items += range(lo, hi + 1)
    if not exact:
        items.append(0)
    elif hi < pages:
        items += [0, pages] if hi < pages - 1 else [pages]
    return items


@app.get("/")
def user_list():
    typed = request.args.get("q", "")
    q = typed.strip(" ")  # names never start or end with a space
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and int(page) >= 1 else 1
    newest = not q and request.args.get("sort") == "newest"
    params = {"limit": PAGE_SIZE, "offset": (page - 1) * PAGE_SIZE,
              "sort": "-id" if newest else "name"}
    if q:
        params["q"] = q
    r = http.get(BACKEND_URL + "/api/v1/users", params=params, timeout=5)
    r.raise_for_status()
    data = r.json()
    total, exact = data["total"], data.get("totalExact", True) is not False
    pages = max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE)
    q_enc = quote(q, safe="")

    def href(n):
        return "/?" + (f"q={q_enc}&" if q else "sort=newest&" if newest else "") + f"page={n}"

    if not data["items"] and total > 0 and page > pages:  # past the end: the last page
        return "", 303, {**PAGE_HEADERS, "Location": href(pages)}
    cur = min(page, pages)
    paged = pages > 1 or not exact
    total_pages = ("" if exact else "at least ") + str(pages)
    title = (f"Search “{q}”" if q else "Users, newest first" if newest else "Users") + (f" – page {page} of {total_pages}" if paged else "")
    body = render_template("list.html", users=data["items"], total=total, exact=exact, q=q,
                           typed=typed, newest=newest, href=href, cur=cur, pages=pages, paged=paged,
                           items=pager_items(cur, pages, exact), total_pages=total_pages,
                           title=title)
    return body, 200, PAGE_HEADERS
