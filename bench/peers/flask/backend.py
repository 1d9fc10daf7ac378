"""Flask peer, backend: the data service the way the old Flask system would write it
(Flask, SQLAlchemy ORM on PyMySQL), with the same routes, rows and JSON bytes as
fcgi-backend for what `make bench` measures: GET /backend, GET /api/v1/users (limit,
offset, q prefix, sort), POST /api/v1/users, DELETE /api/v1/users/<id>. It asks the database
the same questions as fcgi-backend (the unfiltered total from user_count, kept in the
same transaction as each insert and delete; prefix search on the nameKey index, its
count bounded), so the benchmark compares the stacks, not two schemas.
Settings: DATABASE_URI (mysql+pymysql://...?unix_socket=...). Run under gunicorn."""
import base64
import json
import os
import unicodedata

from flask import Flask, Response, request
from sqlalchemy import (Column, Computed, DateTime, Integer, String, create_engine, func,
                        literal, select, update)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import declarative_base, scoped_session, sessionmaker

PREFIX_COUNT_BOUND = 1000
engine = create_engine(os.environ["DATABASE_URI"], pool_recycle=3600)
Session = scoped_session(sessionmaker(bind=engine))
Base = declarative_base()


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    userName = Column(String(30), nullable=False, unique=True)
    createdAt = Column(DateTime, nullable=False, server_default=func.utc_timestamp())
    nameKey = Column(String(30), Computed("LOWER(userName)", persisted=True))

    def as_dict(self):
        return {
            "id": self.id,
            "userName": self.userName,
            "createdAt": self.createdAt.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }


class UserCount(Base):
    __tablename__ = "user_count"
    id = Column(Integer, primary_key=True)
    users = Column(Integer, nullable=False)


# sort= -> ORDER BY, and the order's letter in the cursor (fcgi-backend/cursor.c). By
# name is by nameKey alone, as fcgi-backend: it is unique, and its index is the order
# ("nameKey, id" makes MariaDB sort every match).
ORDERS = {
    "id": ((User.id,), "i"),
    "-id": ((User.id.desc(),), "I"),
    "name": ((User.nameKey,), "n"),
    "-name": ((User.nameKey.desc(),), "N"),
}

app = Flask(__name__)


@app.teardown_appcontext
def remove_session(_exc):
    Session.remove()


def as_json(obj, status=200, headers=None):
    body = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return Response(body, status, headers, mimetype="application/json")


def problem(status, title, detail, errors=None):
    obj = {"title": title, "status": status, "detail": detail}
    if errors:
        obj["errors"] = errors
    body = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return Response(body, status, mimetype="application/problem+json")


def int_arg(name, default, low, high):
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default, None
    if not raw.isdigit() or not low <= int(raw) <= high:
        return None, {"field": name, "message": f"must be an integer from {low} to {high}"}
    return int(raw), None


@app.get("/backend")
def compat_list():
    names = Session.scalars(select(User.userName).order_by(User.id)).all()
    return as_json([{"userName": n} for n in names])


@app.get("/api/v1/users")
def user_list():
    limit, e1 = int_arg("limit", 50, 1, 100)
    offset, e2 = int_arg("offset", 0, 0, 2**31 - 1)
    errors = [e for e in (e1, e2) if e]
    if errors:
        return problem(422, "Invalid input", "query parameters are invalid", errors)
    q = request.args.get("q", "")
    sort = request.args.get("sort", "name" if q else "id")
    if sort not in ORDERS or (q and sort not in ("name", "-name")):
        return problem(400, "Bad Request", "the query has invalid parameters",
                       [{"field": "sort", "message": "must be id, -id, name or -name"}])
    order, tag = ORDERS[sort]
    exact = True
    if q:
        escaped = q.replace("!", "!!").replace("%", "!%").replace("_", "!_")
        match = User.nameKey.like(func.concat(func.lower(escaped), "%"), escape="!")
        # Count at most PREFIX_COUNT_BOUND matches past the page, as fcgi-backend does.
        bound = max(offset + limit + 1, PREFIX_COUNT_BOUND)
        capped = select(literal(1)).select_from(User).where(match).limit(bound).subquery()
        total = Session.scalar(select(func.count()).select_from(capped))
        exact = total < bound
        query = select(User).where(match).order_by(*order)
    else:
        total = Session.scalar(select(UserCount.users).where(UserCount.id == 1))
        query = select(User).order_by(*order)
    # One user more than the page: it says whether a next page exists (`next`, the
    # same cursor fcgi-backend gives: base64url of "<order>:<id>:<name key>").
    users = Session.scalars(query.limit(limit + 1).offset(offset)).all()
    nxt = None
    if len(users) > limit:
        users = users[:limit]
        last = users[-1]
        raw = f"{tag}:{last.id}:" + (last.nameKey if tag in "nN" else "")
        nxt = base64.urlsafe_b64encode(raw.encode()).rstrip(b"=").decode()
    return as_json(
        {"items": [u.as_dict() for u in users], "total": total, "totalExact": exact,
         "limit": limit, "offset": offset, "next": nxt}
    )


def valid_name(name):
    return (isinstance(name, str) and 1 <= len(name) <= 30
            and not any(unicodedata.category(c) == "Cc" for c in name))


@app.post("/api/v1/users")
def user_create():
    if not request.is_json:
        return problem(415, "Unsupported Media Type", "send application/json")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return problem(400, "Bad Request", "the body is not a JSON object")
    name = data.get("userName")
    if not valid_name(name):
        return problem(422, "Invalid input", "userName is invalid",
                       [{"field": "userName", "message": "1 to 30 characters"}])
    user = User(userName=name, createdAt=func.utc_timestamp())
    Session.add(user)
    try:
        Session.execute(update(UserCount).where(UserCount.id == 1)
                        .values(users=UserCount.users + 1))
        Session.commit()
    except IntegrityError:
        Session.rollback()
        return problem(409, "Conflict", "userName is taken")
    return as_json(user.as_dict(), 201, {"Location": f"/api/v1/users/{user.id}"})


@app.delete("/api/v1/users/<int:user_id>")
def user_delete(user_id):
    user = Session.get(User, user_id)
    if user is None:
        return problem(404, "Not Found", "no such user")
    Session.delete(user)
    Session.execute(update(UserCount).where(UserCount.id == 1)
                    .values(users=UserCount.users - 1))
    Session.commit()
    return Response(status=204)
