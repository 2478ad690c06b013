"""Settings shared by every environment, read from environment variables with safe defaults.

With no DATABASE_URL the service uses a SQLite file in the project folder; with no REDIS_URL Celery runs
tasks eagerly in the web process. With both set it is the production topology.
"""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Only local and test settings supply a default key; production refuses to start without one.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "core.apps.SupportAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Django's own widget templates, for FORM_RENDERER below.
    "django.forms",
    "crispy_forms",
    "crispy_forms_gds",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "simple_history",
    "django_celery_beat",
    # Two-factor sign-in (TOTP authenticator apps) and the Content Security Policy.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    # Plumbing shared by every stage; imports no domain app.
    "core",
    # The cycle, in order: each app may import only from apps above it.
    "accounts",
    "needs",
    "commissioning",
    "coproduction",
    "procurement",
    "contracts",
    # Pages that look across the whole cycle.
    "dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The Content Security Policy header on every response, error pages included.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The idle timeout: a signed-in session's expiry moves on with use (written at most once a minute).
    "accounts.middleware.IdleTimeoutMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Fail closed: every view needs a signed-in user unless it is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Which device, if any, verified this session's second factor (request.user.is_verified()).
    "django_otp.middleware.OTPMiddleware",
    # Fail closed: a person who must use two-factor sign-in reaches no private page until verified.
    "accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.RequestContextMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so a lockout answers before any view runs.
    "axes.middleware.AxesMiddleware",
]

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
                "dashboard.context_processors.layout",
            ],
        },
    },
]

# Widgets render through TEMPLATES, so templates/ can override one (the support admin's date and time pair).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out account before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "accounts.backends.EmailBackend",
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
PASSWORD_RESET_TIMEOUT = 3 * 24 * 60 * 60  # reset links work for 3 days, once
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions end after 30 idle minutes; every request pushes the end back, writing the session at most
# once a minute (accounts.middleware.IdleTimeoutMiddleware), not on each request.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_WARNING_SECONDS = 5 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Lock an account out after 5 failed sign-ins from the same address.
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
# A wrong two-factor code counts as a failed sign-in too; neither the password nor the code is stored.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]

# Two-factor sign-in: council and operator staff must confirm each sign-in with a code from an
# authenticator app (accounts.two_factor says who). Off only where a deployment decides so explicitly.
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=True)
OTP_TOTP_ISSUER = "SEND Commissioning"
# django-otp's own throttle stays on: after each wrong code the next try waits 1, 2, 4, 8… seconds.
OTP_TOTP_THROTTLE_FACTOR = 1

# Content Security Policy: nothing inline, nothing from another origin. Charts are inline SVG markup
# (not images) and the QR code for two-factor set-up is too; data: images are allowed for GOV.UK Frontend.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Private documents: outside the static and web roots, served only through a permission-checked view.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": env("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private_media")),
            "base_url": None,
        },
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# No public media: every file a user uploads goes to the private storage above. These two exist only
# because Django expects them; nothing is ever written under this root or served from this URL.
MEDIA_ROOT = BASE_DIR / "no-public-media"
MEDIA_URL = "/no-public-media/"

# Uploads: a per-file limit (bytes); Django's request limit sits a little above it so the form can say why.
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=25 * 1024 * 1024)
# Needs data files (CSV or XLSX) may be larger: a whole EES publication runs to tens of megabytes.
NEEDS_IMPORT_MAX_BYTES = env.int("NEEDS_IMPORT_MAX_BYTES", default=200 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Virus scanning through clamd happens only where one of these is set; then it fails closed.
CLAMD_SOCKET = env("CLAMD_SOCKET", default="")
CLAMD_HOST = env("CLAMD_HOST", default="")
CLAMD_PORT = env.int("CLAMD_PORT", default=3310)
CLAMD_TIMEOUT = env.float("CLAMD_TIMEOUT", default=30.0)

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Email: printed to the console unless an SMTP server is configured.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="SEND Commissioning <no-reply@send-commissioning.example>"
)

# Celery: a Redis broker where REDIS_URL is set, otherwise tasks run in-process.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task is acknowledged only when it finishes (acks_late), one at a time per process, and a task whose
# worker dies goes back to the queue: nothing is lost when a worker is killed. With Redis, an unacknowledged
# message comes back once `visibility_timeout` seconds have passed since it was taken, so the timeout must
# be longer than the longest task (a shorter one redelivers a running task; the tasks stay correct, being
# idempotent, but do the work twice). The integration test sets a few seconds, and sweeps for such
# messages every second instead of every 100.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
}

# A refused form (no valid CSRF token) gets the service's own page, not Django's.
CSRF_FAILURE_VIEW = "core.errors.csrf_failure"

SERVICE_NAME = "SEND Commissioning"
# The address people use to reach the service, for links in emails.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
SERVICE_OPERATOR = env("SERVICE_OPERATOR", default="the SEND Commissioning service team")
DEMO_PASSWORD = env("DEMO_PASSWORD", default="demo-password-2026")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "celery.app.trace": {"level": "WARNING"},  # one line per task succeeded is noise
        "weasyprint.progress": {"level": "WARNING"},  # seven lines per PDF rendered is noise too
    },
}

# Model history is for reading: the support admin cannot roll an object back to an old version.
SIMPLE_HISTORY_REVERT_DISABLED = True

# Open Contracting Data Standard export (procurement/ocds). An ocid prefix is issued by the Open
# Contracting Partnership; "ocds-0000000" is a placeholder that marks the data as not yet registered.
OCDS_OCID_PREFIX = env("OCDS_OCID_PREFIX", default="ocds-0000000")
OCDS_PUBLISHER_NAME = env("OCDS_PUBLISHER_NAME", default=SERVICE_NAME)
OCDS_LICENSE = env(
    "OCDS_LICENSE", default="https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
)

# Personal data is kept this many days, then deleted or anonymised (`manage.py apply_retention`, nightly).
RETENTION = {
    "sign_in_records": env.int("RETENTION_SIGN_IN_DAYS", default=365),
    "notifications": env.int("RETENTION_NOTIFICATION_DAYS", default=365),
    "deactivated_accounts": env.int("RETENTION_DEACTIVATED_ACCOUNT_DAYS", default=730),
    "placements": env.int("RETENTION_PLACEMENT_DAYS", default=2192),
}
