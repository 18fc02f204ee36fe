"""The one settings module. Every knob is an environment variable (see .env.example).

Defaults give a working SQLite install with nothing to configure; production
differs only by variables (DATABASE_URL, ATLAS_SECRET_KEY, ATLAS_ALLOWED_HOSTS,
ATLAS_HTTPS).
"""

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from atlas.lib.environment import (
    env_bool,
    env_int,
    env_list,
    env_str,
    read_or_create_secret,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ATLAS_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("ATLAS_DEBUG", False)
SECRET_KEY = env_str("ATLAS_SECRET_KEY", "") or read_or_create_secret(VAR_DIR / "secret-key")
ALLOWED_HOSTS = env_list("ATLAS_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("ATLAS_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",
    "ninja",
    "atlas.accounts",
    "atlas.places",
    "atlas.practices",
    "atlas.entitlements",
    "atlas.diagnostics",
    "atlas.plans",
    "atlas.directory",
    "atlas.finder",
    "atlas.leaflets",
    "atlas.pages",
    "atlas.stats",
]

MIDDLEWARE = [
    "atlas.lib.headers.AdminReferrerPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "atlas.urls"
WSGI_APPLICATION = "atlas.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "atlas" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "atlas.lib.languages.language_context",
            ],
        },
    },
]

# Database: SQLite under var/ by default; DATABASE_URL selects PostgreSQL
# (postgres://…) or another SQLite file (sqlite:///path).
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "atlas.sqlite3"),
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes; IMMEDIATE avoids
    # "database is locked" upgrades mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 60
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        # Shared by every server process, on either database, with nothing to run.
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "atlas_cache",
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["atlas.accounts.backends.ThrottledModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "pages:home"
# Failed sign-ins allowed per account name within the window before refusal.
ATLAS_LOGIN_FAILURE_LIMIT = env_int("ATLAS_LOGIN_FAILURE_LIMIT", 5)
ATLAS_LOGIN_FAILURE_WINDOW = env_int("ATLAS_LOGIN_FAILURE_WINDOW", 900)

# Public submissions allowed per sender within an hour (see docs/privacy.md:
# the sender key is a salted hash kept only in the cache, never logged).
ATLAS_SUBMISSION_LIMIT = env_int("ATLAS_SUBMISSION_LIMIT", 5)

# Records not verified within this many days are flagged for review.
ATLAS_STALE_AFTER_DAYS = env_int("ATLAS_STALE_AFTER_DAYS", 730)
# Directory services not verified within this many days are flagged as stale.
ATLAS_DIRECTORY_STALE_DAYS = env_int("ATLAS_DIRECTORY_STALE_DAYS", 365)

# Where the finder's "Leave this site quickly" link goes: a common, neutral site.
ATLAS_QUICK_EXIT_URL = env_str("ATLAS_QUICK_EXIT_URL", "https://www.wikipedia.org/")
# Largest record file a data steward may upload for tabulation, in megabytes; it is streamed
# to a temporary file, aggregated and deleted.
ATLAS_STATS_MAX_UPLOAD_MB = env_int("ATLAS_STATS_MAX_UPLOAD_MB", 500)
# How long a finder page is answered again in front of Django (atlas/finder/front.py), in ms.
ATLAS_FINDER_FRONT_MS = env_int("ATLAS_FINDER_FRONT_MS", 1000)

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("fr", _("French")),
    ("ar", _("Arabic")),
    ("pt", _("Portuguese")),
    ("ru", _("Russian")),
    ("uk", _("Ukrainian")),
    ("fa", _("Persian")),
]
LOCALE_PATHS = [BASE_DIR / "atlas" / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True
# The language lives in the URL; no language cookie is ever set.
LANGUAGE_COOKIE_AGE = None

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "atlas" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Security headers. Every page works without inline script or style, so the
# policy never needs 'unsafe-inline'; nothing is loaded from a third party.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
HTTPS = env_bool("ATLAS_HTTPS", False)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = env_int("ATLAS_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Uploads: imports are read whole, so cap what one request may carry.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("ATLAS_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

NINJA_PAGINATION_PER_PAGE = 20
NINJA_PAGINATION_MAX_LIMIT = 100

# Logs never carry query strings, IP addresses or form contents (docs/privacy.md).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": [], "level": "CRITICAL", "propagate": False},
        "atlas": {"handlers": ["console"], "level": env_str("ATLAS_LOG_LEVEL", "INFO")},
    },
}
