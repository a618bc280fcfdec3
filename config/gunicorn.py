"""gunicorn's settings for `make serve`: how each app server runs in production.

Sync workers, one per core plus one: rendering a matrix is CPU-bound, and
under threaded workers it runs several times slower on small machines (the
threads take turns on the interpreter lock). Everything can be overridden
with gunicorn's own variables (GUNICORN_CMD_ARGS) or these:

- BIND: address and port to listen on (127.0.0.1:8000).
- WEB_CONCURRENCY: number of workers (cores + 1).
- FORWARDED_ALLOW_IPS: addresses of the reverse proxies (gunicorn's own).
"""

import multiprocessing
import os
from pathlib import Path

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
worker_class = "sync"
# A request held longer than this is a bug or an attack: its worker is restarted.
timeout = 30
graceful_timeout = 30
# The proxy keeps connections open to the app servers.
keepalive = 5
accesslog = "-"
# Worker heartbeats on a memory file system, not a possibly slow disk.
if Path("/dev/shm").is_dir():
    worker_tmp_dir = "/dev/shm"
# gunicorn's control socket sits at one path per user: several servers on one
# machine would fight over it, and nothing here uses it.
control_socket_disable = True
