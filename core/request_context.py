"""Who is asking and from where, for code far from the request (services record it in the audit log)."""

from contextvars import ContextVar

_client_ip: ContextVar[str | None] = ContextVar("client_ip", default=None)


def client_ip_from_request(request) -> str | None:
    """The client's address. Behind a proxy, set the proxy to overwrite REMOTE_ADDR (gunicorn does)."""
    return request.META.get("REMOTE_ADDR") or None


def set_client_ip(ip: str | None):
    return _client_ip.set(ip)


def reset_client_ip(token) -> None:
    _client_ip.reset(token)


def current_client_ip() -> str | None:
    return _client_ip.get()
