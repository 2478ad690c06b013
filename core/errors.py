"""Error pages in the service's own layout. The 500 page renders with no database access."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def csrf_failure(request, reason=""):
    """A form sent without its valid token (an old page, a new session, cookies blocked): nothing is
    saved, and the page says so in the service's own layout."""
    return render(request, "403_csrf.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors: the database may be the thing that failed.
    return HttpResponseServerError(
        loader.get_template("500.html").render({"service_name": "SEND Commissioning"})
    )
