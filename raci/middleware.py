"""Middleware: the health check, and the htmx side of sign-in."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect

HEALTH_CHECK_PATH = "/healthz"


class HealthCheckMiddleware:
    """`/healthz` answers 200 when the app and its database answer, 503 otherwise.

    It runs first: a load balancer probes each app server by its address, over
    plain HTTP, without cookies, so host validation, the HTTPS redirect and
    sessions must not stand in the way. It says nothing else (no versions, no
    error text that could name a host or a user)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info != HEALTH_CHECK_PATH:
            return self.get_response(request)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError:
            response = HttpResponse("database unavailable\n", status=503)
        else:
            response = HttpResponse("ok\n")
        response["Content-Type"] = "text/plain"
        response["Cache-Control"] = "no-store"
        return response


class HtmxLoginRedirectMiddleware:
    """An htmx request whose session has ended would get the sign-in page
    swapped into the matrix. Send the whole browser to sign in instead, and
    back to the page the user was on afterwards."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.login_url = resolve_url(settings.LOGIN_URL)

    def __call__(self, request):
        response = self.get_response(request)
        if (
            getattr(request, "htmx", False)
            and response.status_code == 302
            and response["Location"].startswith(self.login_url)
        ):
            page = request.htmx.current_url_abs_path or request.get_full_path()
            return HttpResponseClientRedirect(redirect_to_login(page)["Location"])
        return response
