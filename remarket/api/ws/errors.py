"""The one place where a refused /ws/ request becomes a response.

The seller contract documents a different error body per operation and status: `ErrorResponseV1`
(`{"error": {...}}`), `ErrorResponseV2` (`{"errors": [{...}]}`), `ErrorResponseV3` (problem+json) or, for some
400s, a bare JSON string. Each operation declares its table (`Errors`); `error_response` picks the shape and
always puts our stable `DomainError` code inside (`error.code`, or `"CODE: message"` for plain strings)."""

import enum
import json
from dataclasses import dataclass, field
from http import HTTPStatus

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse

from remarket.core.errors import DomainError
from remarket.core.logs import request_id


class Shape(enum.Enum):
    V1 = "ErrorResponseV1"
    V2 = "ErrorResponseV2"
    V3 = "ErrorResponseV3"
    PROBLEM = "ProblemValidation"  # RFC 7807 with the fields at fault (the buy-back listings' errors)
    TEXT = "string"


@dataclass(frozen=True)
class Errors:
    """An operation's documented error responses. `family` is the shape used for a status the operation
    does not document (a bad Accept-Language, a 405); `remap` sends a status the operation cannot express to
    one it documents (e.g. a tasks caller who is no merchant gets the documented 404, not an undocumented 403)."""

    documented: dict[int, Shape]
    family: Shape = Shape.V1
    remap: dict[int, int] = field(default_factory=dict)

    def shape_for(self, status: int) -> tuple[int, Shape]:
        status = self.remap.get(status, status)
        if status in self.documented:
            return status, self.documented[status]
        if status == 429:
            return status, Shape.V1  # the contract's shared `RateLimited` response
        return status, self.family


class Unauthenticated(DomainError):
    status = 401

    def __init__(self, message: str = "Send your API token: Authorization: Basic <token>."):
        super().__init__("WS_AUTH_REQUIRED", message)


class RateLimited(DomainError):
    status = 429

    def __init__(self, *, retry_after: int, limit: int, window: int):
        super().__init__(
            "WS_RATE_LIMITED",
            f"More than {limit} requests in {window} s: retry in {retry_after} s.",
            {"retry_after": retry_after, "limit": limit, "window_seconds": window},
        )
        self.retry_after = retry_after


class MethodNotAllowed(DomainError):
    status = 405

    def __init__(self, method: str, allowed: list[str]):
        super().__init__(
            "WS_METHOD_NOT_ALLOWED", f"{method} is not allowed here; use {', '.join(allowed)}.", {"allowed": allowed}
        )
        self.allowed = allowed


def _error_object(err: DomainError) -> dict:
    body = {"code": err.code, "message": str(err.message), "data": err.details}
    if "field" in err.details:
        body["target"] = str(err.details["field"])
    return body


def error_body(err: DomainError, shape: Shape, status: int):
    if shape is Shape.TEXT:
        return f"{err.code}: {err.message}"
    rid = request_id.get()
    if shape is Shape.V2:
        return {"errors": [_error_object(err)], "requestId": rid}
    if shape is Shape.V3:
        return {
            "error": _error_object(err),
            "status": status,
            "title": HTTPStatus(status).phrase,
            "type": err.code,
            "requestId": rid,
        }
    if shape is Shape.PROBLEM:
        kind = "/errors/" + err.code.lower().replace("_", "-")
        return {
            "type": kind,
            "title": HTTPStatus(status).phrase,
            "status": status,
            "detail": f"{err.code}: {err.message}",
            "errors": [
                {
                    "type": kind,
                    "title": err.code,
                    "detail": str(err.message),
                    "target": str(err.details.get("field", "body")),
                }
            ],
        }
    return {"error": _error_object(err), "requestId": rid}


def error_response(err: DomainError, errors: Errors) -> HttpResponse:
    status, shape = errors.shape_for(err.status)
    content_type = "application/problem+json" if shape is Shape.V3 else "application/json"
    response = HttpResponse(
        json.dumps(error_body(err, shape, status), cls=DjangoJSONEncoder), status=status, content_type=content_type
    )
    if isinstance(err, RateLimited):
        response["Retry-After"] = str(err.retry_after)
    if isinstance(err, MethodNotAllowed):
        response["Allow"] = ", ".join(err.allowed)
    return response
