"""Settings for the RACI matrix builder, read from environment variables.

Every value has a development default; production sets DEBUG=0 and the rest.
A value we do not understand stops start-up instead of being guessed at.
"""

import os
import tomllib
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def envint(name: str, default: str) -> int:
    value = os.environ.get(name, default).strip()
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envchoice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, default).strip().upper()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "1")

# Shown in exports; one source of truth, the project's own metadata.
with open(BASE_DIR / "pyproject.toml", "rb") as pyproject:
    APP_VERSION = tomllib.load(pyproject)["project"]["version"]

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "development-only-secret-key-never-use-in-production-0123456789"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",  # Bootstrap's CSS and JS as static files (django-bootstrap-static)
    "axes",  # sign-in throttling
    "raci",
]

MIDDLEWARE = [
    "raci.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "raci.middleware.SessionIdleTimeoutMiddleware",
    "raci.middleware.PrivatePagesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "raci.middleware.HtmxLoginRedirectMiddleware",
    # Last, as django-axes asks: it turns a paused sign-in into its answer.
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # In production static files are collected and served by WhiteNoise.
    security = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware")
    MIDDLEWARE.insert(security + 1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Connections are kept open for DATABASE_CONN_MAX_AGE seconds (a minute by
# default in production; the development server opens a thread per request, so
# there they would only pile up). A kept connection is checked before each
# request reuses it, so that a database restart costs no request an error.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", "0" if DEBUG else "60"),
        conn_health_checks=True,
        disable_server_side_cursors=envbool("DATABASE_DISABLE_SERVER_SIDE_CURSORS", "0"),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several requests at once (the threaded development server, several
    # workers): a write transaction takes the lock when it begins and others
    # wait up to 20 s for it, instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=20,
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    )
    # The test database is a file too, so that tests can race real threads on it.
    DATABASES["default"].setdefault("TEST", {}).setdefault(
        "NAME", str(BASE_DIR / "test-db.sqlite3")
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable database host fails requests within seconds instead of
    # holding every worker until the operating system gives up.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", envint("DATABASE_CONNECT_TIMEOUT", "5")
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses a paused sign-in before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "raci.authentication.UsernameOrEmailBackend",
]

# Sign-in throttling (django-axes), on our sign-in page and the admin's, kept
# in the database so that every app server sees the same counts. After
# SIGNIN_FAILURE_LIMIT wrong passwords for one account (from anywhere), or from
# one address (for any accounts), sign-in pauses for SIGNIN_PAUSE_MINUTES
# after the last of them. Attempts during a pause do not extend it, and
# choosing a new password from an emailed link lifts it for the account.
AXES_FAILURE_LIMIT = envint("SIGNIN_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = timedelta(minutes=envint("SIGNIN_PAUSE_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "raci.authentication.throttle_key"
AXES_LOCKOUT_CALLABLE = "raci.views.accounts.signin_paused"
AXES_SENSITIVE_PARAMETERS = ["username", "password"]
# No banner on every start (the lint command's output included); lockouts are still logged.
AXES_VERBOSE = False
# Behind reverse proxies that append the client's address to X-Forwarded-For
# (nginx's $proxy_add_x_forwarded_for, HAProxy's forwardfor, cloud load
# balancers), TRUSTED_PROXIES says how many there are, and the address the
# outermost one saw is the client's. With 0 the header is ignored: a client
# could write anything in it.
TRUSTED_PROXIES = envint("TRUSTED_PROXIES", "0")
if TRUSTED_PROXIES:
    # python-ipware counts the proxies listed in the header, which does not
    # hold the last one's own address (that is the connection's).
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXIES - 1
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    # Addresses a client put in front of the chain do not make it invalid.
    IPWARE_STRICT = False
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

CSRF_FAILURE_VIEW = "raci.views.errors.csrf_failure"

# Sessions live in the database, shared by every app server. One unused for
# SESSION_IDLE_TIMEOUT seconds (a working day) is signed out; any ends
# SESSION_MAX_AGE seconds (two weeks) after sign-in.
SESSION_IDLE_TIMEOUT = envint("SESSION_IDLE_TIMEOUT", str(8 * 3600))
SESSION_COOKIE_AGE = envint("SESSION_MAX_AGE", str(14 * 24 * 3600))

# A team's change log (undo, history, restore) keeps this many days;
# `manage.py prune_history`, run daily, deletes what is older.
HISTORY_KEPT_DAYS = envint("HISTORY_KEPT_DAYS", "400")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "raci:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# In development email goes to the console; in production to SMTP, whose host
# and credentials come from SMTP_* variables. MAIL_BACKEND overrides either.
MAIL_BACKEND = os.environ.get(
    "MAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {"default": {"BACKEND": MAIL_BACKEND}}
if MAIL_BACKEND.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("SMTP_HOST", "localhost"),
        "port": envint("SMTP_PORT", "587"),
        "username": os.environ.get("SMTP_USER", ""),
        "password": os.environ.get("SMTP_PASSWORD", ""),
        "use_tls": envbool("SMTP_USE_TLS", "1"),
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "raci@localhost")

# No form of this app needs more than a few kilobytes: refuse huge request bodies.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# No inline script or style anywhere: everything comes from our own static files.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
}

if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "1")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOG_LEVEL = envchoice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # WeasyPrint reports each step of a PDF at INFO; only its warnings matter here.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
    "root": {
        "handlers": ["console"],
        "level": envchoice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")),
    },
}
