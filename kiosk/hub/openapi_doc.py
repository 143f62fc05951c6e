"""The published API says what the hub enforces: ``/openapi.json`` with the
``Idempotency-Key`` header on every write and the one error shape of every refusal.

FastAPI derives the document from the routes, which know neither the idempotency layer
(a middleware, :mod:`kiosk.hub.idempotency`) nor the error handlers
(:mod:`kiosk.hub.errors`): left alone, the document would offer no idempotency header and
describe 422 answers in FastAPI's own ``HTTPValidationError`` shape, which the hub never
sends. :func:`describe_api` rewrites the generated document once, when it is first asked
for, so a generated client retries safely and parses every refusal the same way.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from kiosk.hub.idempotency import MAX_KEY, WRITE_METHODS

ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {
                    "type": "string",
                    "description": "machine-readable; clients translate it "
                    "(e.g. case_not_found, forbidden, too_many_requests)",
                },
                "message": {"type": "string", "description": "English, for logs"},
                "details": {"type": "object", "description": "what the code needs said"},
            },
        }
    },
}

IDEMPOTENCY_HEADER: dict[str, Any] = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "A retry with the same key and the same request returns the first "
    "answer (marked Idempotent-Replay: true) and does no work; the same key with another "
    "request is refused with 422 idempotency_key_reused.",
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY},
}

_ERROR_RESPONSE = {
    "description": "Refused: the error shape of every 4xx and 5xx answer",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def describe_api(app: FastAPI) -> None:
    """Make ``app.openapi()`` publish the idempotency header and the error shape."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            doc = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            app.openapi_schema = with_enforcement(doc)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def with_enforcement(doc: dict[str, Any]) -> dict[str, Any]:
    """The generated document with what the middleware and error handlers add."""
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    for path, operations in doc.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            if path.startswith("/api/") and method.upper() in WRITE_METHODS:
                operation.setdefault("parameters", []).append(IDEMPOTENCY_HEADER)
                responses["422"] = _ERROR_RESPONSE
            responses["4XX"] = _ERROR_RESPONSE
    return doc
