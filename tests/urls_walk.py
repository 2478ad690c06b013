"""Every URL pattern of the service, with example arguments, for tests that walk them all."""

import uuid
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

EXAMPLE_VALUES = {
    "int": "999999",
    "uuid": str(uuid.UUID(int=0)),
    "slug": "example",
    "str": "example",
    "path": "x",
}


@dataclass(frozen=True)
class Route:
    name: str  # namespaced name, e.g. "core:document_list"
    url: str  # with example arguments filled in
    callback: object
    namespace: str


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = (
                f"{namespace}:{pattern.namespace}"
                if namespace and pattern.namespace
                else (pattern.namespace or namespace)
            )
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield pattern, prefix + str(pattern.pattern), namespace


def _example_url(route: str, converters: dict) -> str:
    url = route
    for name, converter in converters.items():
        kind = type(converter).__name__.removesuffix("Converter").lower()
        url = url.replace(f"<{kind}:{name}>", EXAMPLE_VALUES.get(kind, "example")).replace(
            f"<{name}>", "example"
        )
    return "/" + url.lstrip("^").rstrip("$").replace("\\Z", "")


def all_routes() -> list[Route]:
    routes = []
    for pattern, route, namespace in _walk(get_resolver().url_patterns):
        converters = getattr(pattern.pattern, "converters", {})
        full_converters = dict(converters)
        name = f"{namespace}:{pattern.name}" if namespace and pattern.name else (pattern.name or route)
        routes.append(
            Route(
                name=name,
                url=_example_url(route, full_converters),
                callback=pattern.callback,
                namespace=namespace,
            )
        )
    return routes
