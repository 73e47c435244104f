"""Conditional GET: does the request already hold the representation we would send?"""

from __future__ import annotations

from flask import request
from werkzeug.http import parse_date


def not_modified(etag: str, modified: float) -> bool:
    """A conditional GET that matches ``etag`` (compared without a content-coding suffix such
    as flask-compress's ``:gzip``), or, without If-None-Match, If-Modified-Since."""
    if_none_match = request.if_none_match
    if if_none_match:
        return (any(tag.split(":")[0] == etag for tag in if_none_match.as_set())
                or if_none_match.star_tag)
    since = parse_date(request.headers.get("If-Modified-Since"))
    return since is not None and int(modified) <= since.timestamp()
