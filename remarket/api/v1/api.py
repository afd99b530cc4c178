"""REST API v1: thin handlers over the domain services; the OpenAPI document is generated from them."""

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from remarket.core.errors import DomainError

api = NinjaAPI(
    title="remarket API",
    version="1",
    description=(
        "REST API of a remarket marketplace. Machine clients authenticate with `Authorization: Bearer <token>`. "
        "State-changing calls accept an `Idempotency-Key` header: a replay returns the first answer, the same key "
        "with another body is 422, a concurrent duplicate is 409. Errors are `{code, message, details}`."
    ),
    urls_namespace="api-v1",
    docs_url="/docs",
)


def _error(request, status: int, code: str, message: str, details: dict | None = None):
    return api.create_response(request, {"code": code, "message": message, "details": details or {}}, status=status)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    response = _error(request, exc.status, exc.code, str(exc.message), exc.details)
    retry_after = getattr(exc, "retry_after", None)  # a TooManyRequests' own attribute
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    return _error(
        request, 422, "REQUEST_INVALID", "The request does not have the expected shape.", {"errors": exc.errors}
    )


@api.exception_handler(AuthenticationError)
def auth_error(request, exc):
    return _error(request, 401, "AUTH_REQUIRED", "Send a valid API token: Authorization: Bearer <token>.")


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, "NOT_FOUND", "Nothing here.")


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return _error(request, exc.status_code, "REQUEST_REFUSED", str(exc))


from . import (  # noqa: E402  (register routers)
    catalog,
    checkout,
    claims,
    finance,
    invoices,
    locations,
    merchant,
    ops,
    partner,
    pos,
    reports,
    returns,
    tradeins,
    webhooks,
)

# checkout first: Django tries the API's URL patterns in this order, and every purchase makes two requests
api.add_router("/", checkout.router)
api.add_router("/catalog", catalog.router)
api.add_router("/merchant", merchant.router)
api.add_router("/merchant", invoices.router)
api.add_router("/ops", ops.router)
api.add_router("/", finance.router)
api.add_router("/", partner.router)
api.add_router("/", returns.router)
api.add_router("/", tradeins.router)
api.add_router("/", claims.router)
api.add_router("/", pos.router)
api.add_router("/", locations.router)
api.add_router("/", reports.router)
api.add_router("/", webhooks.router)
