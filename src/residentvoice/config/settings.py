"""Settings for Resident Voice, read from the environment.

Everything a deployment changes comes from environment variables (see docs/DEPLOY.md); the
defaults suit a laptop: SQLite under var/, mail written to var/mail.log, debug off.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, SELF

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = Path(os.environ.get("RESIDENTVOICE_HOME", Path.cwd())).resolve()
VAR_DIR = Path(os.environ.get("RESIDENTVOICE_VAR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _local_secret_key() -> str:
    """A per-checkout key so `make run` needs no set-up. Production sets SECRET_KEY."""
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


DEBUG = env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Demonstration mode: the banner on every page and the demo accounts depend on it.
DEMO_MODE = env_bool("RESIDENTVOICE_DEMO")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "django_typer",
    "residentvoice.core",
    "residentvoice.accounts",
    "residentvoice.organisations",
    "residentvoice.charter",
    "residentvoice.tsm",
    "residentvoice.notifications",
    "residentvoice.participation",
    "residentvoice.assessment",
    "residentvoice.practices",
    "residentvoice.publication",
    "residentvoice.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "residentvoice.core.concurrency.ConcurrentSaveMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that its refusal page has everything a page needs (the person, messages, nonce).
    "residentvoice.core.middleware.RefuseControlCharactersMiddleware",
]

ROOT_URLCONF = "residentvoice.config.urls"
WSGI_APPLICATION = "residentvoice.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "residentvoice.core.context_processors.site",
            ],
            # The site's shared tags and filters (numbers, dates, closing times, wide tables) are
            # in every template, so that each thing is written one way everywhere.
            "builtins": ["residentvoice.core.templatetags.residentvoice"],
        },
    }
]
FORM_RENDERER = "residentvoice.core.forms.GovukFormRenderer"

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'residentvoice.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# How long a write waits for another to finish before the person is told to try again.
DATABASE_LOCK_TIMEOUT = int(os.environ.get("DATABASE_LOCK_TIMEOUT", "20"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite with several writers at once (the site's threads, the background worker, commands):
    # - WAL: readers never wait for a writer, nor a writer for readers;
    # - a busy timeout: a writer waits its turn (DATABASE_LOCK_TIMEOUT) instead of failing;
    # - IMMEDIATE transactions: a transaction takes the write lock when it begins, so it waits
    #   there for its turn. A deferred one that reads first and then writes cannot wait: SQLite
    #   refuses it at once ("database is locked"), whatever the timeout.
    # synchronous=NORMAL is safe with WAL (a power cut may lose the last moment's commits, never
    # consistency) and avoids a disk flush on every commit.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            "transaction_mode": "IMMEDIATE",
            "timeout": DATABASE_LOCK_TIMEOUT,
        }
    )
elif DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # The same bound on PostgreSQL: a statement waits for a row lock at most this long.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", f"-c lock_timeout={DATABASE_LOCK_TIMEOUT * 1000}"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "residentvoice.accounts.backends.EmailBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "core:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "var" / "build" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.environ.get("STATICFILES_BACKEND", "residentvoice.core.storage.StaticStorage")
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"

# Mail: sent through SMTP when EMAIL_HOST is set; otherwise every message is written to one file
# under var/ (EMAIL_FILE), which `residentvoice serve` names when it starts.
EMAIL_FILE = Path(os.environ.get("EMAIL_FILE", VAR_DIR / "mail.log"))
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "residentvoice.core.mail.MailFileBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Resident Voice <no-reply@localhost>")

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# A failed task is tried again after this many seconds, then four times longer each time (at
# most an hour), until its declared attempts are used (see core/background.py).
TASK_RETRY_FIRST_DELAY = float(os.environ.get("TASK_RETRY_FIRST_DELAY", "30"))

# Security: strict by default; production turns on HTTPS-only settings through SECURE_SSL.
SECURE = env_bool("SECURE_SSL")
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE
SECURE_HSTS_SECONDS = 31_536_000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": ["'none'"],
        "base-uri": [SELF],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# The public address, for links in emails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# How many proxies in front of the site add to X-Forwarded-For. The API's rate limit counts per
# client address; with 0 the header is ignored (anyone can write it), so a client cannot dodge
# the limit by sending a different address each time. Behind one trusted proxy, set 1.
NINJA_NUM_PROXIES = int(os.environ.get("NUM_PROXIES", "0"))
