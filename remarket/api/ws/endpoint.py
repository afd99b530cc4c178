"""The small dispatcher every /ws/ path goes through, so each concern has one place:

method → operation (405 otherwise) → credential → merchant actor → rate limit (per token) → market → handler, and any
`DomainError` raised on the way → `errors.error_response` with that operation's documented shapes.
Handlers are plain functions `handler(request, call, **path_params)` returning a JSON-able body or a response."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from remarket.accounts.permissions import Actor
from remarket.core.errors import DomainError
from remarket.core.text import text_check
from remarket.markets.models import Market

from .auth import authenticate, credential
from .bodies import BODY_ERRORS, body_unreadable
from .errors import Errors, MethodNotAllowed, error_response
from .locale import market_for
from .throttle import throttle


@dataclass(frozen=True)
class Call:
    """What a handler knows about its caller: the merchant actor and the market the call applies to."""

    actor: Actor
    market: Market | None

    @property
    def merchant_id(self) -> int:
        return self.actor.merchant_id


@dataclass(frozen=True)
class Operation:
    handler: Callable[..., Any]
    errors: Errors
    bucket: str = "default"  # rate-limit bucket: "default" or "catalog"
    market: bool = True  # reads Accept-Language


def json_response(body: Any, status: int = 200) -> HttpResponse:
    return HttpResponse(json.dumps(body, cls=DjangoJSONEncoder), status=status, content_type="application/json")


def _parameters_check(request, params: dict) -> None:
    """No control character in a path or query parameter: none is meaningful in an id, a SKU or a filter, and
    PostgreSQL cannot even compare a text with a NUL byte in it."""
    for name, value in [*params.items(), *request.GET.items()]:
        text_check(value, code="WS_PARAMETER_INVALID", field=name)


def resource(**operations: Operation) -> Callable:
    """One Django view serving a path's operations, keyed by HTTP method (`GET=..., POST=...`)."""
    allowed = sorted(operations)

    @csrf_exempt  # token-authenticated, never cookies
    def view(request, **params):
        operation = operations.get(request.method)
        if operation is None:
            return error_response(MethodNotAllowed(request.method, allowed), operations[allowed[0]].errors)
        try:
            _parameters_check(request, params)
            actor, token_key = authenticate(credential(request))
            throttle(key=token_key, bucket=operation.bucket)
            market = market_for(request) if operation.market else None
            result = operation.handler(request, Call(actor, market), **params)
        except DomainError as err:
            return error_response(err, operation.errors)
        except BODY_ERRORS as err:
            return error_response(body_unreadable(err), operation.errors)
        return result if isinstance(result, HttpResponse) else json_response(result)

    view.operations = operations  # for tests that walk every operation
    return view
