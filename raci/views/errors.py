"""Error pages that need a view of their own."""

from django.shortcuts import render


def csrf_failure(request, reason=""):
    """A form or htmx edit whose security token no longer matches: the user
    signed out, or in again, in another tab. Say so, and how to go on."""
    response = render(request, "403_csrf.html", status=403)
    # The editor's script reads this to tell the user to reload, not that
    # they lack permission.
    response["X-Raci-Error"] = "csrf"
    return response
