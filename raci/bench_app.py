"""The application `raci bench` and `raci loadtest` serve under gunicorn.

It is the project's own WSGI application with two additions that production
never has: a bare view (the framework's floor: routing, middleware and a
session, no template and no query of its own) and an `X-Bench-Queries`
header carrying the number of SQL queries each request ran.
"""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup(set_prefix=False)

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import include, path  # noqa: E402

from config.garbage_collection import tune_for_serving  # noqa: E402


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), path("", include("config.urls"))]
settings.ROOT_URLCONF = __name__
_django = WSGIHandler()
tune_for_serving()  # as config/wsgi.py does


def application(environ, start_response):
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    def start_with_count(status, headers, exc_info=None):
        return start_response(status, [*headers, ("X-Bench-Queries", str(queries))], exc_info)

    # Django runs the view (and its queries) before it calls start_response.
    with connection.execute_wrapper(count):
        return _django(environ, start_with_count)
