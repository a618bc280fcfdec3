"""Production serving, for real: app servers started with `make serve` (gunicorn,
production settings, WhiteNoise) over a PostgreSQL cluster of the test's own,
which the tests restart and stop while editors write.

Two app servers share sessions, edits and sign-in throttling through the one
database. While the database is away every request is answered at once with a
503 and Retry-After (never a 500); the service is back by itself as soon as the
database is; no acknowledged edit is lost; and the first request on each worker
after an idle restart succeeds (kept connections are checked before reuse).

Where PostgreSQL's server binaries are not installed these tests are skipped
with that message locally, and fail in CI, where they must run.
"""

import os
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import pytest

from tests.servers import AppServer, Client, TemporaryCluster, manage, postgres_bin_dir, row_id
from tests.servers import production_env as env_for

DEMO = ("demo", "demo-raci-2026")
TEAM = "/o/acme/t/checkout/"
WORKERS = 3


@pytest.fixture(scope="module")
def cluster():
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        message = (
            "The serving tests start their own PostgreSQL cluster and need its server "
            "binaries (initdb, pg_ctl): `apt-get install postgresql`."
        )
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    cluster = TemporaryCluster(bin_dir)
    cluster.start()
    with cluster.connect() as connection:
        connection.execute("CREATE DATABASE raci")
    env = env_for(cluster.url("raci"))
    manage("migrate", "--no-input", env=env)
    manage("load_demo", env=env)
    yield cluster
    cluster.remove()


@pytest.fixture(scope="module")
def env(cluster):
    # Connections kept between requests, as in production.
    return env_for(cluster.url("raci"), DATABASE_CONN_MAX_AGE="60")


@pytest.fixture(scope="module")
def server(env):
    app = AppServer(env, workers=WORKERS)
    yield app
    app.stop()


def signed_in(port) -> Client:
    client = Client(port)
    assert client.sign_in(*DEMO).status == 302
    return client


def activity_names(cluster, prefix):
    with cluster.connect("raci") as connection:
        rows = connection.execute(
            "SELECT name FROM raci_activity WHERE name LIKE %s", [prefix + "%"]
        )
        return {name for (name,) in rows}


def test_two_app_servers_share_sessions_edits_and_sign_in_throttling(cluster, env, server):
    second = AppServer(env, workers=2)
    try:
        editor = signed_in(server.port)
        added = editor.post(TEAM + "activities/", {"name": "Written through the first server"})
        assert added.status == 302 and row_id(added)

        # The same browser, its session cookie and all, on the other server.
        page = editor.on(second.port).get(TEAM)
        assert page.status == 200
        assert "Written through the first server" in page.text

        # Wrong passwords counted on one server pause sign-in on the other.
        stranger = Client(server.port)
        for _ in range(5):
            stranger.sign_in("demo", "not-the-password")
        paused = Client(second.port).sign_in(*DEMO)
        assert paused.status == 429
        assert "Too many wrong passwords" in paused.text
    finally:
        second.stop()
        with cluster.connect("raci") as connection:
            connection.execute("DELETE FROM axes_accessattempt")


class Answer(NamedTuple):
    sent: float
    answered: float
    status: int
    name: str
    retry_after: str | None
    content_type: str


class Writers:
    """Editors adding activities as fast as the server answers, each with its own
    session, until stopped (and for two minutes at most)."""

    def __init__(self, port, count=4):
        self.log: list[Answer] = []
        self.stop = threading.Event()
        self.clients = [signed_in(port) for _ in range(count)]
        self.threads = [
            threading.Thread(target=self._write, args=(number,)) for number in range(count)
        ]
        for thread in self.threads:
            thread.start()

    def _write(self, number):
        client = self.clients[number]
        # One editor works through htmx, the others with plain forms.
        htmx = number == 0
        deadline = time.monotonic() + 120
        count = 0
        while not self.stop.is_set() and time.monotonic() < deadline:
            count += 1
            name = f"Fault {number}-{count}"
            sent = time.monotonic()
            response = client.post(TEAM + "activities/", {"name": name}, htmx=htmx)
            self.log.append(
                Answer(
                    sent,
                    time.monotonic(),
                    response.status,
                    name,
                    response.headers.get("Retry-After"),
                    response.headers.get("Content-Type", ""),
                )
            )
            time.sleep(0.01)

    def finish(self):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def statuses(self, start=0.0, end=float("inf")):
        return Counter(answer.status for answer in self.log if start <= answer.sent <= end)

    def acknowledged(self):
        # A plain add redirects to its row; an htmx one answers the editor.
        return [answer.name for answer in self.log if answer.status in (200, 302)]


def test_restarts_and_outages_answer_503_and_lose_no_acknowledged_edit(cluster, server):
    writers = Writers(server.port)
    try:
        time.sleep(1.5)
        restart_began = time.monotonic()
        cluster.restart()
        time.sleep(1.5)

        outage_began = time.monotonic()
        cluster.stop()
        time.sleep(0.5)
        health = Client(server.port).get("/healthz")
        time.sleep(3)
        cluster.start()
        back = time.monotonic()
        time.sleep(2)
    finally:
        writers.finish()

    log = writers.log
    assert len(log) > 50, "the writers hardly wrote"
    # Only successes and 503s, through the restart and the outage alike.
    assert set(writers.statuses()) <= {200, 302, 503}, writers.statuses()
    unavailable = [answer for answer in log if answer.status == 503]
    assert writers.statuses(restart_began, back)[503] > 0, "the outage was not seen"
    assert {answer.retry_after for answer in unavailable} == {"5"}
    # The htmx editor got its short note, the others the page.
    assert {answer.content_type.split(";")[0] for answer in unavailable} == {
        "text/plain",
        "text/html",
    }
    assert health.status == 503 and health.text == "database unavailable\n"

    # Every request was answered promptly, outage or not.
    during_outage = [a.answered - a.sent for a in log if outage_began <= a.sent < back]
    assert during_outage and max(during_outage) < 5, max(during_outage, default=None)

    # Back by itself as soon as the database is: every request sent after it
    # accepted connections again succeeded, the first within a second.
    after = sorted((a for a in log if a.sent >= back), key=lambda answer: answer.sent)
    assert after and {answer.status for answer in after} <= {200, 302}, after[:5]
    assert after[0].answered - back < 1

    # Nothing acknowledged was lost.
    stored = activity_names(cluster, "Fault ")
    missing = [name for name in writers.acknowledged() if name not in stored]
    assert missing == [], f"{len(missing)} acknowledged edits lost"
    assert Client(server.port).get("/healthz").status == 200


def test_the_first_requests_after_an_idle_restart_succeed(cluster, server):
    editor = signed_in(server.port)

    def pages(count):
        with ThreadPoolExecutor(max_workers=count) as pool:
            return [
                r.status for r in pool.map(lambda _: editor.on(server.port).get(TEAM), range(count))
            ]

    # Every worker opens its kept connection...
    assert set(pages(WORKERS * 4)) == {200}
    cluster.restart()
    # ...which the restart has broken: each worker's next request must notice.
    assert pages(WORKERS * 4) == [200] * (WORKERS * 4)
