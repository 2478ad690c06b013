"""The site's URLs with the watches' page in Review's namespace, until contracts/urls/__init__.py lists it."""

from django.urls import include, path

import contracts.urls as review_urls
from config import urls as root
from contracts.urls import watches

_patterns = list(review_urls.urlpatterns)
if not any(getattr(pattern, "name", None) == "expiring_documents" for pattern in _patterns):
    _patterns += watches.urlpatterns

urlpatterns = [
    *(pattern for pattern in root.urlpatterns if str(pattern.pattern) != "contracts/"),
    path("contracts/", include((_patterns, "contracts"))),
]
