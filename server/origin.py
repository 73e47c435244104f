"""The public origin of the server: where absolute links (canonical links, the sitemap, VoID's
endpoint and dumps, the service description) point.

By default it is the request's own host. Behind a reverse proxy, or when the graph's IRIs
(``https://w3id.org/kazcinema/…``) redirect to a public host, set ``PUBLIC_URL``
(``KAZCINEMA_PUBLIC_URL``, ``kazcinema serve --public-url``) to that origin, e.g.
``https://kazcinema.example.org``: every absolute link then names it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class OriginError(ValueError):
    """PUBLIC_URL is not an origin."""


def parse_origin(url: str) -> tuple[str, str]:
    """``"https://host:8443"`` → ``("https", "host:8443")``; anything else is an OriginError."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/") \
            or parts.query or parts.fragment:
        raise OriginError(f"PUBLIC_URL {url!r} is not an origin: give scheme and host only, "
                          "e.g. https://kazcinema.example.org (the pages are served at the root)")
    return parts.scheme, parts.netloc


class PublicOrigin:
    """WSGI middleware: requests appear to arrive at the public origin."""

    def __init__(self, app: WsgiApp, url: str) -> None:
        self.app = app
        self.scheme, self.host = parse_origin(url)

    def __call__(self, environ: dict[str, Any],
                 start_response: Callable[..., Any]) -> Iterable[bytes]:
        environ["wsgi.url_scheme"] = self.scheme
        environ["HTTP_HOST"] = self.host
        return self.app(environ, start_response)
