"""gunicorn settings for the Flask peers (both services): sync workers, the way the old
system ran. BIND, WORKERS, PIDFILE and ERRORLOG come from bench/peers.sh."""
import os

bind = os.environ["BIND"]
workers = int(os.environ.get("WORKERS", "4"))
worker_class = "sync"
pidfile = os.environ.get("PIDFILE")
errorlog = os.environ.get("ERRORLOG", "-")
accesslog = None
loglevel = "warning"
# GET /backend at a million users takes the ORM longer than gunicorn's default 30 s.
timeout = 300
