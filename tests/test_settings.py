"""Settings read from the environment, in a fresh interpreter each time."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRINT_SETTINGS = """
import json
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({"engine": db["ENGINE"], "name": str(db["NAME"]), "host": db.get("HOST", ""),
                  "debug": settings.DEBUG, "conn_max_age": db["CONN_MAX_AGE"],
                  "conn_health_checks": db["CONN_HEALTH_CHECKS"],
                  "options": db.get("OPTIONS", {}),
                  "proxy_count": getattr(settings, "AXES_IPWARE_PROXY_COUNT", None),
                  "ip_headers": list(settings.AXES_IPWARE_META_PRECEDENCE_ORDER)}))
"""


def _settings(**env):
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup();" + PRINT_SETTINGS],
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "config.settings", "PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
    )
    return result


def test_without_database_url_the_app_uses_a_sqlite_file_in_the_project():
    result = _settings()

    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"] == str(ROOT / "db.sqlite3")


def test_database_url_selects_postgresql():
    result = _settings(DATABASE_URL="postgres://raci:secret@db.internal:5433/raci")

    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.postgresql"
    assert (values["name"], values["host"]) == ("raci", "db.internal")


def test_kept_database_connections_are_checked_before_reuse():
    """A connection kept across requests is pinged first, so that the first
    request after a database restart reconnects instead of failing."""
    production = {"DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "raci.example.com"}
    for env in (production, {**production, "DATABASE_CONN_MAX_AGE": "600"}, {}):
        values = json.loads(_settings(**env).stdout)
        assert values["conn_health_checks"] is True, env
    assert json.loads(_settings(**production).stdout)["conn_max_age"] == 60
    assert json.loads(_settings().stdout)["conn_max_age"] == 0


def test_postgresql_connections_time_out_instead_of_hanging():
    values = json.loads(_settings(DATABASE_URL="postgres://raci@db.internal/raci").stdout)
    assert values["options"]["connect_timeout"] == 5
    values = json.loads(
        _settings(
            DATABASE_URL="postgres://raci@db.internal/raci", DATABASE_CONNECT_TIMEOUT="2"
        ).stdout
    )
    assert values["options"]["connect_timeout"] == 2


def test_client_addresses_come_from_x_forwarded_for_only_behind_trusted_proxies():
    values = json.loads(_settings().stdout)
    assert values["ip_headers"] == ["REMOTE_ADDR"]

    values = json.loads(_settings(TRUSTED_PROXIES="1").stdout)
    assert values["ip_headers"] == ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    assert values["proxy_count"] == 0
    # A CDN in front of the load balancer: the address the CDN saw.
    assert json.loads(_settings(TRUSTED_PROXIES="2").stdout)["proxy_count"] == 1


def test_production_refuses_to_start_without_a_secret_key():
    result = _settings(DEBUG="0", ALLOWED_HOSTS="raci.example.com")

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_debug_value_that_is_not_a_boolean_stops_start_up():
    result = _settings(DEBUG="maybe")

    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_production_settings_pass_the_deployment_checks():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DEBUG": "0",
            "SECRET_KEY": "a-long-random-production-secret-key-for-this-check-only-0123456789",
            "ALLOWED_HOSTS": "raci.example.com",
        },
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_a_number_setting_that_is_not_a_number_stops_start_up():
    result = _settings(DATABASE_CONN_MAX_AGE="forever")

    assert result.returncode != 0
    assert "DATABASE_CONN_MAX_AGE must be a whole number" in result.stderr


def test_an_unknown_log_level_stops_start_up():
    result = _settings(LOG_LEVEL="chatty")

    assert result.returncode != 0
    assert "LOG_LEVEL must be one of" in result.stderr
