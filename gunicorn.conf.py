"""gunicorn's settings for the web process (read by `gunicorn denialhelp.wsgi`
from the project root, or given with -c).  See docs/deploy.md.

The web process sits behind a buffering reverse proxy (nginx, docs/deploy.md)
that receives each request whole before passing it on: that is what stops a
client that sends its body slowly.  These settings are the second line: a
worker serves several requests at once on threads, so a few stalled
connections that do get through occupy a few threads, not the site.
"""

import os

# Only the proxy on this machine may connect; never a public interface.
# A unix socket works too: GUNICORN_BIND=unix:/run/denialhelp/gunicorn.sock
bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]

# Threads, not one request per process (the "sync" class): a request whose
# body trickles in blocks one thread while the others keep answering.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))

# A worker that stops answering its arbiter for this long is restarted.
timeout = 30
# On reload or stop, requests under way get this long to finish.
graceful_timeout = 30
# Seconds an idle kept-alive connection (from the proxy) stays open.
keepalive = 5
# Processes are replaced now and then, so a slow leak cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200

# Header limits (gunicorn's defaults, stated): longer request lines and
# headers are refused before Django sees them.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# No access log: request lines hold link tokens, and gunicorn's log does not
# go through the app's patient-data filter.  The app logs what it needs.
accesslog = None
errorlog = "-"
