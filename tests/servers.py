"""Real servers for tests: a PostgreSQL cluster of the test's own, app servers
started with `make serve`, and a small HTTP client that keeps a session.

The cluster is made with initdb and run with pg_ctl in a temporary folder, on
a free port, so a test can stop and restart it without touching any other
database server. PostgreSQL refuses to run as root: as root (CI), its
commands run as the `postgres` system user.
"""

import contextlib
import http.client
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import psycopg

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "a-long-random-production-secret-key-for-these-tests-only-0123456789"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_bin_dir() -> Path | None:
    """Where initdb and pg_ctl are: Debian keeps them out of PATH, by version."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"), key=lambda path: int(path.parent.name)
    )
    for folder in reversed(versions):
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb and shutil.which("pg_ctl") else None


class TemporaryCluster:
    """A PostgreSQL cluster in a temporary folder, listening on 127.0.0.1 only."""

    def __init__(self, bin_dir: Path):
        self.bin_dir = bin_dir
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="raci-test-postgres-"))
        self.data = self.folder / "data"
        self.as_root = os.geteuid() == 0
        if self.as_root:
            owner = pwd.getpwnam("postgres")
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        self._run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def _run(self, program, *args):
        command = [str(self.bin_dir / program), *map(str, args)]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def _options(self):
        # TCP on loopback only; the socket file in our own folder, not /var/run.
        return (
            f"-p {self.port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={self.folder} -c max_connections=50"
        )

    def _pg_ctl(self, action, *args):
        # The server's log goes to a file: on our pipes it would keep them open.
        self._run("pg_ctl", "-D", self.data, "-l", self.folder / "log", "-w", *args, action)

    def start(self):
        self._pg_ctl("start", "-o", self._options())

    def stop(self):
        # "fast": sessions are cut and the server shuts down cleanly, as a restart
        # for maintenance or a failover would.
        self._pg_ctl("stop", "-m", "fast")

    def restart(self):
        self._pg_ctl("restart", "-m", "fast", "-o", self._options())

    def remove(self):
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database="postgres"):
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=database, autocommit=True
        )


def production_env(database_url: str, **extra) -> dict[str, str]:
    """The environment of an app server: production settings over `database_url`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_", "MAIL_", "SMTP_"))
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url,
        # Plain HTTP on loopback; a proxy does TLS in production.
        SECURE_SSL_REDIRECT="0",
        # SMTP, as in production, to a loopback port where nothing listens.
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(free_port()),
        SMTP_USE_TLS="0",
        LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


def manage(*args, env):
    return subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )


class AppServer:
    """One app server, started as the README says: `make serve`."""

    def __init__(self, env: dict[str, str], *, workers: int = 3):
        self.port = free_port()
        handle, self.log = tempfile.mkstemp(prefix="raci-serve-", suffix=".log")
        self.process = subprocess.Popen(
            ["make", "--no-print-directory", "serve"],
            cwd=ROOT,
            env={**env, "BIND": f"127.0.0.1:{self.port}", "WEB_CONCURRENCY": str(workers)},
            stdout=handle,
            stderr=subprocess.STDOUT,
            # Its own process group: make, gunicorn and the workers stop together.
            start_new_session=True,
        )
        os.close(handle)
        deadline = time.monotonic() + 120
        while self.process.poll() is None and time.monotonic() < deadline:
            if Client(self.port).get("/healthz").status == 200:
                return
            time.sleep(0.2)
        output = self.output()
        self.stop()
        raise RuntimeError(f"make serve did not answer on /healthz:\n{output}")

    def output(self) -> str:
        return Path(self.log).read_text(errors="replace")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        Path(self.log).unlink(missing_ok=True)


class Response:
    def __init__(self, status, headers, text, seconds):
        self.status, self.headers, self.text, self.seconds = status, headers, text, seconds


class Client:
    """A browser's worth of HTTP: cookies (Secure ones too, over loopback),
    the CSRF token, htmx's header on request."""

    def __init__(self, port: int, cookies=None):
        self.port = port
        self.cookies = dict(cookies or {})

    def request(self, method, path, data=None, *, htmx=False, timeout=30) -> Response:
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        body = None
        if method == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
            body = urlencode(data or {}, doseq=True)
        if htmx:
            headers["HX-Request"] = "true"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        started = time.monotonic()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except OSError as error:
            return Response(0, {}, str(error), time.monotonic() - started)
        finally:
            connection.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            value = rest.split(";")[0]
            if value in ("", '""') or "max-age=0" in cookie.lower():
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return Response(response.status, response.headers, text, time.monotonic() - started)

    def get(self, path, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path, data=None, **kwargs) -> Response:
        return self.request("POST", path, data, **kwargs)

    def sign_in(self, username, password) -> Response:
        self.get("/accounts/login/")
        return self.post("/accounts/login/", {"username": username, "password": password})

    def on(self, port) -> "Client":
        """The same browser, talking to another app server."""
        return Client(port, self.cookies)


def row_id(response: Response) -> int | None:
    """The activity a plain 'add activity' POST created, from where it redirects."""
    match = re.search(r"#row-(\d+)$", response.headers.get("Location", ""))
    return int(match.group(1)) if match else None
