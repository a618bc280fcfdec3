"""Requests sent at the same moment from real threads, each thread with its own
database connection, through the whole app (middleware, views, handler500)."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from django.db import connection, connections, transaction
from django.test import Client


def browser_for(user=None) -> Client:
    """A client that answers what a browser would get (a 500 page included)
    instead of raising the error in the test."""
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def at_once(*calls):
    """Run the calls together, one thread each, released by one barrier; their results in order."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        try:
            barrier.wait(timeout=30)
            return call()
        finally:
            # The test database is dropped at the end: leave no connection behind.
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(run, call) for call in calls]
        return [future.result() for future in futures]


def while_uncommitted(write, call):
    """`call()`'s result, run in a thread of its own while `write()` sits
    uncommitted in another thread's transaction, which commits once `call`
    waits for one of its locks. PostgreSQL only: SQLite lets one write
    transaction run at a time."""
    holding, release = threading.Event(), threading.Event()
    results = []

    def colleague():
        try:
            with transaction.atomic():
                write()
                holding.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    def caller():
        try:
            results.append(call())
        finally:
            connections.close_all()

    writing = threading.Thread(target=colleague)
    writing.start()
    assert holding.wait(timeout=30), "The colleague's write did not happen."
    calling = threading.Thread(target=caller)
    calling.start()
    try:
        _until_a_query_waits_for_a_lock()
    finally:
        release.set()
        writing.join(timeout=30)
        calling.join(timeout=30)
    return results[0]


def _until_a_query_waits_for_a_lock(seconds=20):
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("Nothing ever waited for the colleague's transaction.")
