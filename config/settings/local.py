"""One machine, demo data: SQLite and in-process tasks unless DATABASE_URL and REDIS_URL say otherwise."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# A key for local use only: production settings refuse to start without their own.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-only-not-secret-7f3c2b1e9d8a")
