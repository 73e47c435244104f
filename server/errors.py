"""One error shape for every route: status, error (the reason phrase) and message.

Rendered as JSON (``{"status": 400, "error": "Bad Request", "message": "…"}``) for clients that
prefer JSON, as an HTML page for browsers, as ``text/plain`` otherwise (SPARQL clients).
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from server.state import StoreUnavailableError


class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    reason = HTTP_STATUS_CODES.get(status, "Error")
    best = request.accept_mimetypes.best_match(
        ["text/plain", "application/json", "application/sparql-results+json", "text/html"])
    if best in ("application/json", "application/sparql-results+json"):
        response = jsonify(status=status, error=reason, message=message)
    elif best == "text/html":
        response = Response(render_template("error.html", status=status, reason=reason,
                                            message=message), mimetype="text/html")
    else:
        response = Response(f"{status} {reason}: {message}\n", mimetype="text/plain")
    response.status_code = status
    response.headers["Vary"] = "Accept"
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _api_error(exc: ApiError) -> Response:
    return error_response(exc.status, exc.message, exc.headers)


def _http_error(exc: HTTPException) -> Response:
    headers = {k: v for k, v in exc.get_headers() if k.lower() == "allow"}
    return error_response(exc.code or 500, exc.description or "", headers)


def _unavailable(exc: StoreUnavailableError) -> Response:
    return error_response(503, str(exc), {"Retry-After": "10"})


def register(app: Flask) -> None:
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(StoreUnavailableError, _unavailable)
