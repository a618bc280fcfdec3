"""Requests sent at the same moment from real threads, each thread with its own
database connection, through the whole app (middleware, views, handler500)."""

import threading
from concurrent.futures import ThreadPoolExecutor

from django.db import connections
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
