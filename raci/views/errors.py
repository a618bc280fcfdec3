"""Error pages that need a view of their own."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.views import defaults

# Seconds after which a client may try again while the database is away: a
# restart takes about one, a failover a few more.
RETRY_AFTER_SECONDS = 5

DATABASE_UNAVAILABLE = (
    "The app cannot reach its database for a moment, so this change may not have "
    "been saved. Try again in a few seconds."
)


def csrf_failure(request, reason=""):
    """A form or htmx edit whose security token no longer matches: the user
    signed out, or in again, in another tab. Say so, and how to go on."""
    response = render(request, "403_csrf.html", status=403)
    # The editor's script reads this to tell the user to reload, not that
    # they lack permission.
    response["X-Raci-Error"] = "csrf"
    return response


def server_error(request):
    """Every uncaught error ends here. One the database raised because it is
    restarting, stopped or unreachable (or a lock wait gave up) is temporary:
    answer 503 with when to retry rather than 500, which says the app is broken.

    It runs inside Django's exception handling, so the exception is at hand; it
    must not touch the database itself (no session, no user)."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return database_unavailable(request)
    return defaults.server_error(request)


def database_unavailable(request):
    if request.headers.get("HX-Request") == "true":
        # The editor shows this text in its message area.
        response = HttpResponse(DATABASE_UNAVAILABLE, content_type="text/plain", status=503)
    else:
        response = render(
            request,
            "503.html",
            {"retry_after": RETRY_AFTER_SECONDS, "method": request.method},
            status=503,
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
