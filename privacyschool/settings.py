"""One settings file, read from the environment.

With nothing set the embedded default applies: SQLite in ``var/`` of the project folder,
Celery tasks run eagerly in-process, and the secrets are generated once into ``var/``.
As soon as ``DATABASE_URL`` is set the deployment is a real one and every secret must
come from the environment (or from a ``*_FILE`` holding it).
"""

import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)

EMBEDDED = not env.str("DATABASE_URL", default="")


def env_secret(name: str, *, generate) -> str:
    """A secret from ``NAME`` or ``NAME_FILE``; in embedded mode generated once into var/."""
    value = env.str(name, default="")
    if not value and env.str(f"{name}_FILE", default=""):
        value = Path(env.str(f"{name}_FILE")).read_text().strip()
    if value:
        return value
    if not EMBEDDED:
        raise ImproperlyConfigured(f"{name} (or {name}_FILE) must be set when DATABASE_URL is set.")
    VAR_DIR.mkdir(exist_ok=True)
    path = VAR_DIR / f"{name.lower()}.secret"
    if not path.exists():
        path.write_text(generate())
        path.chmod(0o600)
    return path.read_text().strip()


def _fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env_secret("SECRET_KEY", generate=lambda: secrets.token_urlsafe(64))
# Comma-separated Fernet keys: the first encrypts, all decrypt (rotation, see
# `manage.py rotate_encryption_key`).
FIELD_ENCRYPTION_KEYS = [
    k.strip()
    for k in env_secret("FIELD_ENCRYPTION_KEY", generate=_fernet_key).split(",")
    if k.strip()
]
# Key of the keyed hash (HMAC-SHA256) used to look up and deduplicate BSNs. It is not
# rotated with the encryption key: the hashes stay valid.
FIELD_HASH_KEY = env_secret("FIELD_HASH_KEY", generate=lambda: secrets.token_urlsafe(48))

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "core.admin_apps.StaffAdminConfig",  # django.contrib.admin, its index by task
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "guardian",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "leerlingen",
    "toestemming",
    "verzoeken",
    "delen",
    "sso",
    "datalekken",
    "trajecten",
]
# Benchmark and load tooling (generate_scale, bench, bench_compare, consent_rush): development only.
if env.bool("DEVTOOLS", default=False):
    INSTALLED_APPS.append("devtools")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.sessions.IdleSessionMiddleware",  # Django's, writing an unchanged session once a minute
    "core.middleware.DutchFirstLocaleMiddleware",
    "core.middleware.reject_nul_in_query",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "leerlingen.mfa.middleware.MFARequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.AdminAbsentNotForbiddenMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "privacyschool.urls"
WSGI_APPLICATION = "privacyschool.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.security",
                "leerlingen.context_processors.staff_pages",
                "leerlingen.portal.portal_context",
            ],
        },
    },
]

if EMBEDDED:
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "db.sqlite3"}
    }
else:
    DATABASES = {"default": env.db("DATABASE_URL")}
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Values sent apart from the statement, and a statement run five times on a connection
    # prepared there (psycopg): PostgreSQL then skips parsing and planning it again, two thirds of
    # its CPU per consent submission in the September rush (docs/scale.md).
    if env.bool("DATABASE_SERVER_SIDE_BINDING", default=True):
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=5
        )
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env.str(
        "TEST_DATABASE_NAME", default=None
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out accounts and addresses
    "leerlingen.accounts.AccountBackend",  # passwords; refused for single-sign-on-only boards (sso/)
    "sso.backends.BoardOIDCBackend",  # the board's OpenID Connect provider (sso/)
    "guardian.backends.ObjectPermissionBackend",
]
# Guardian: no anonymous user row, object permissions only through our direct FK models.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

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
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "home"  # staff land on "Mijn taken", parents on the portal (issue 18)

# Single sign-on (mozilla-django-oidc): the provider of each board is configured in the admin
# (sso.Identiteitsprovider), not here; these are the parts every board shares.
OIDC_AUTHENTICATION_CALLBACK_URL = "sso:callback"
OIDC_RP_SCOPES = "openid email profile"
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_USE_PKCE = True
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT_SECONDS", default=10)
LOGIN_REDIRECT_URL_FAILURE = "sso:refused"

# Two-factor log-in (TOTP, with recovery codes) for every role that can reach special categories
# or the whole board. The embedded demo may switch it off (scripts/demo does, and says so).
MFA_REQUIRED = env.bool("MFA_REQUIRED", default=True)
OTP_TOTP_ISSUER = "privacyschool"

# The address of the application in e-mails; links never follow a request's Host header.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Retention: days between the director's approval of a destruction list and its execution.
DESTRUCTION_WAITING_DAYS = env.int("DESTRUCTION_WAITING_DAYS", default=7)
# Retention: items of a destruction list destroyed together, all or none, in one transaction.
DESTRUCTION_BATCH_SIZE = env.int("DESTRUCTION_BATCH_SIZE", default=500)
# Survey bureau: group figures are never reported below this many pupils (seed 004).
SURVEY_MIN_GROUP_SIZE = env.int("SURVEY_MIN_GROUP_SIZE", default=10)

# The FG's access review flags one person opening more pupils' special data than this in an hour.
ACCESS_REVIEW_THRESHOLD = env.int("ACCESS_REVIEW_THRESHOLD", default=50)

# Pupil import: the largest file, the most rows (checked while reading), and from how many rows the
# import runs in the background.
PUPIL_IMPORT_MAX_BYTES = env.int("PUPIL_IMPORT_MAX_BYTES", default=25 * 1024 * 1024)
PUPIL_IMPORT_MAX_ROWS = env.int("PUPIL_IMPORT_MAX_ROWS", default=100_000)
PUPIL_IMPORT_BACKGROUND_ROWS = env.int("PUPIL_IMPORT_BACKGROUND_ROWS", default=2_000)

# Lock-out (django-axes): per account and, separately, per address.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Behind a reverse proxy (docker-compose.yml: Caddy) every request comes from the proxy: the one
# client-address helper takes the address the trusted proxy appended to X-Forwarded-For.
# 0 = no proxy, the header is ignored (anyone can write it).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "core.client.client_ip"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage",
    },
}
# Private: never served by URL (no MEDIA_URL route); recordings are streamed by a view that checks
# who may see them (trajecten/views.py). A named volume in docker-compose.yml.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# The largest professional-development recording that may be uploaded, in MB.
RECORDING_MAX_MB = env.int("RECORDING_MAX_MB", default=500)

# --- Security -------------------------------------------------------------------------
# Secure by default; the embedded demo is served over plain http on localhost.
SECURE_DEFAULTS = env.bool("SECURE_COOKIES", default=not EMBEDDED)
SESSION_COOKIE_SECURE = SECURE_DEFAULTS
CSRF_COOKIE_SECURE = SECURE_DEFAULTS
LANGUAGE_COOKIE_SECURE = SECURE_DEFAULTS
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"  # Django's default sets no SameSite on the language cookie
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
# The 30 minutes count from the last request: an idle timeout. The session row is written when it
# changed or at most once a minute (core/sessions.py), not on every request (docs/scale.md).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = 60
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not EMBEDDED)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if not EMBEDDED else None
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if EMBEDDED else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not EMBEDDED
SECURE_HSTS_PRELOAD = not EMBEDDED
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_REDIRECT_EXEMPT = [r"^health/(live/)?$"]
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No inline script anywhere; the admin's few inline style attributes are allowed.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Mail -----------------------------------------------------------------------------
# Embedded (the demo, development): every e-mail is a readable file in var/mail/ and one line on
# the terminal with its subject and links (core/mailfolder.py); nothing leaves the machine.
_email_backend = env.str(
    "EMAIL_BACKEND",
    default="core.mailfolder.FolderBackend"
    if EMBEDDED
    else "django.core.mail.backends.smtp.EmailBackend",
)
if _email_backend == "core.mailfolder.FolderBackend":
    _email_options: dict = {
        "file_path": env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail")),
        "echo": env.bool("EMAIL_ECHO", default=True),
    }
elif env.str("EMAIL_FILE_PATH", default=""):
    _email_options = {"file_path": env.str("EMAIL_FILE_PATH")}
elif EMBEDDED or _email_backend != "django.core.mail.backends.smtp.EmailBackend":
    _email_options = {}
else:
    _email_options = {
        "host": env.str("EMAIL_HOST", default="localhost"),
        "port": env.int("EMAIL_PORT", default=25),
        "username": env.str("EMAIL_HOST_USER", default=""),
        "password": env.str("EMAIL_HOST_PASSWORD", default=""),
        "use_tls": env.bool("EMAIL_USE_TLS", default=False),
    }
MAILERS = {"default": {"BACKEND": _email_backend, "OPTIONS": _email_options}}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="privacy@school.example")

# --- Celery ---------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
# The cache holds the portal's log-in failure counters (toestemming/limits.py): shared by every web
# process through Redis; in-process memory in the embedded demo (one process).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "privacyschool",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"  # a host: kombu warns without one
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = TIME_ZONE
# Scheduled work; every entry is checked by tests/test_celery_beat.py.
CELERY_BEAT_SCHEDULE: dict = {
    # The outbox: send jobs still pending (broker outage, killed worker) once a minute.
    "dispatch-pending-jobs": {"task": "core.tasks.dispatch_pending", "schedule": 60.0},
    # From 16 the pupil decides on consent: hand over and invite (toestemming, DOMAIN.md § Consent).
    "toestemming-overdracht-zestien": {
        "task": "toestemming.tasks.overdracht_zestien",
        "schedule": 24 * 60 * 60.0,  # daily; the task is idempotent and works by date
    },
    # From 18 the parents' view closes unless the pupil lets them see (leerlingen, DOMAIN.md § Turning 18).
    "leerlingen-meerderjarig": {
        "task": "leerlingen.meerderjarig.tasks.meerderjarig",
        "schedule": 24 * 60 * 60.0,  # daily; the task is idempotent and works by date
    },
    # Processor agreements ending within 60 days: a warning row, then an e-mail to the directors (delen).
    "delen-verloopwaarschuwingen": {
        "task": "delen.tasks.warn_expiring_agreements",
        "schedule": 24 * 60 * 60.0,  # daily; one warning per agreement and end date
    },
    # Retention (leerlingen): at night, put every record whose term ran out on a destruction list.
    "leerlingen-retention-sweep": {
        "task": "leerlingen.retention.tasks.retention_sweep",
        "schedule": crontab(hour=2, minute=30),
    },
    # Requests (verzoeken): warn the handler a week before a deadline, the director on the day,
    # director and FG once it has passed. Rows first, idempotent per request, kind and deadline.
    "verzoeken-termijnen": {
        "task": "verzoeken.tasks.check_deadlines",
        "schedule": crontab(hour=6, minute=45),
    },
    # Retention: start approved lists whose waiting period is over; resume any left half-way.
    "leerlingen-start-due-destructions": {
        "task": "leerlingen.retention.tasks.start_due_destructions",
        "schedule": 15 * 60.0,
    },
}
CELERY_TASK_PUBLISH_RETRY = False  # a broker outage must not hang a web request; the outbox retries
CELERY_BROKER_CONNECTION_TIMEOUT = 2

# --- Logging: no personal data, ever (see docs/security.md) ---------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django logs the request line of failing requests; our URLs carry ids, never names.
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # Progress of every PDF (WeasyPrint) and font subsetting (fontTools): noise, never needed.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False
SIMPLE_HISTORY_REVERT_DISABLED = True
