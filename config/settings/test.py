"""The test suite: the same settings as a real deployment, with a fast password hasher."""

import tempfile

from .base import *  # noqa: F403
from .base import STORAGES, env

SECRET_KEY = "test-only-not-secret"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Two-factor sign-in is enforced in the tests as in production; root conftest.py's force_login verifies it.
TWO_FACTOR_REQUIRED = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Unit tests run tasks in-process even where a broker exists; the worker test talks to Redis itself.
CELERY_TASK_ALWAYS_EAGER = True
STORAGES["private"]["OPTIONS"]["location"] = env(
    "PRIVATE_MEDIA_ROOT", default=tempfile.mkdtemp(prefix="send-private-")
)
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
