"""One error model for every service: a stable machine code, a message for people, an HTTP status.

Clients branch on ``code``; the message may change. Unexpected exceptions become ``internal_error``
without a stack trace in the response (the trace goes to the log).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)

# code -> HTTP status. Codes are part of the public contract: add, never rename.
ERROR_STATUS: dict[str, int] = {
    "validation_error": 422,
    "invalid_hs_code": 422,
    "unknown_country": 422,
    "unknown_sector": 422,
    "text_too_long": 422,
    "invalid_email": 422,
    "not_found": 404,
    "organization_not_found": 404,
    "already_exists": 409,
    "duplicate_organization": 409,
    "conflict": 409,
    "unauthenticated": 401,
    "forbidden": 403,
    "rate_limited": 429,
    # forum
    "thread_not_found": 404,
    "post_not_found": 404,
    "space_not_found": 404,
    "advisory_not_found": 404,
    "duplicate_post": 409,
    "thread_locked": 409,
    "advisory_already_claimed": 409,
    "already_flagged": 409,
    "unavailable": 503,
    "internal_error": 500,
    # matching
    "match_not_found": 404,
    "match_closed": 409,
    "not_a_party": 403,
    "pool_too_small": 422,
    "formation_not_found": 404,
    # notifications
    "unknown_notification_kind": 422,
    "invalid_filter": 422,
    "invalid_webhook_url": 422,
    "webhook_target_forbidden": 422,
    "invalid_unsubscribe_token": 422,
    "subscription_not_found": 404,
    "webhook_not_found": 404,
    "delivery_not_found": 404,
    # organization profiles and knowledge base
    "unknown_market": 422,
    "incomplete_checkup": 422,
    "financing_programme_not_found": 404,
    "document_not_found": 404,
    # accounts and sign-in
    "email_taken": 409,
    "weak_password": 422,
    "invalid_credentials": 401,
    "invalid_refresh_token": 401,
    "refresh_token_reused": 401,
    "invalid_reset_token": 422,
    "invalid_api_key": 401,
    "user_not_found": 404,
    # consortia and verification
    "not_a_consortium": 422,
    "consortium_not_found": 404,
    "membership_not_found": 404,
    "already_member": 409,
    "invalid_transition": 409,
    "reason_required": 422,
}


class DomainError(Exception):
    """An expected failure of a use case; rendered as ``{"error": {code, message, details}}``."""

    def __init__(self, code: str, message: str, *, details: dict[str, Any] | None = None) -> None:
        if code not in ERROR_STATUS:
            raise ValueError(f"unregistered error code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}

    @property
    def status(self) -> int:
        return ERROR_STATUS[self.code]

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details}


class NotFound(DomainError):
    def __init__(self, what: str, ident: object, *, code: str = "not_found") -> None:
        super().__init__(code, f"{what} {ident} does not exist", details={"id": str(ident)})


def error_response(code: str, message: str, details: dict[str, Any] | None = None) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "details": details or {}}}
    return JSONResponse(body, status_code=ERROR_STATUS[code])


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(_: Request, exc: DomainError) -> JSONResponse:
        return error_response(exc.code, exc.message, exc.details)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        fields = [
            {"field": ".".join(str(p) for p in err["loc"] if p != "body"), "problem": err["msg"]}
            for err in exc.errors()
        ]
        # The problems go in the message too: a client behind the gateway sees the message first, and
        # "the request is not valid" alone says neither which input nor what range is allowed.
        said = "; ".join(
            f"{f['field'].removeprefix('query.').removeprefix('path.')}: {f['problem']}" for f in fields
        )
        return error_response("validation_error", f"the request is not valid: {said}", {"fields": fields})

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 401: "unauthenticated", 403: "forbidden", 405: "validation_error"}.get(
            exc.status_code, "validation_error" if exc.status_code < 500 else "internal_error"
        )
        return JSONResponse(
            {"error": {"code": code, "message": str(exc.detail), "details": {}}}, status_code=exc.status_code
        )

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return error_response("internal_error", "an unexpected error occurred; it has been logged")
