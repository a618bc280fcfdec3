"""Middleware: the health check, private pages, idle sessions, and the htmx
side of sign-in."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.cache import patch_cache_control
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


class PrivatePagesMiddleware:
    """What a signed-in user is sent (pages, partials, exports) is their
    organization's: neither a shared proxy nor the browser's history may keep it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code < 500 and request.user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


LAST_USE = "last_use"


def session_started(sender, request, user, **kwargs):
    """At sign-in (django.contrib.auth's user_logged_in): the session's end is
    fixed as a date, and its first use noted, so that the next request has
    nothing to write."""
    request.session.set_expiry(
        timezone.now() + timezone.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    )
    request.session[LAST_USE] = int(time.time())


class SessionIdleTimeoutMiddleware:
    """Signs out a session left unused for SESSION_IDLE_TIMEOUT seconds.

    Besides, a session lives SESSION_COOKIE_AGE seconds from sign-in however
    busy (see session_started): Django would otherwise restart that count at
    every save. The last use is written at most once a minute, to spare the
    database a write per request.
    """

    WRITE_EVERY = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last_use = request.session.get(LAST_USE)
            if last_use is not None and now - last_use > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                hours = settings.SESSION_IDLE_TIMEOUT / 3600
                messages.info(
                    request,
                    f"You were signed out after {hours:g} hours without activity. "
                    "Sign in again to go on.",
                )
            elif last_use is None or now - last_use >= self.WRITE_EVERY:
                request.session[LAST_USE] = now
        return self.get_response(request)
