"""What /healthz reports: can the service reach its database and its task broker?"""

from django.conf import settings
from django.db import connection


def database_status() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "down"; the reason is shown to operators
        return False, f"unreachable: {type(exc).__name__}"
    return True, connection.vendor


def broker_status() -> tuple[bool, str]:
    if not settings.REDIS_URL:
        return True, "in-process (tasks run eagerly)"
    from kombu import Connection

    try:
        with Connection(settings.REDIS_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # a broker that does not answer is down, whatever the error
        return False, f"unreachable: {type(exc).__name__}"
    return True, "redis"
