"""Reading a /ws/ request body. What cannot be read is the operation's documented 400 (`WS_BODY_INVALID`),
never a 500: JSON nested deeper than the parser's recursion limit, numbers past what it can hold, and, through
the dispatcher (`BODY_ERRORS`), multipart bodies without a boundary and forms over Django's size limits."""

import json

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http.multipartparser import MultiPartParserError

from remarket.core.errors import DomainError

# Raised by Django the first time a handler reads request.POST or request.FILES.
BODY_ERRORS = (MultiPartParserError, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


def body_unreadable(err: Exception) -> DomainError:
    return DomainError("WS_BODY_INVALID", f"The request body cannot be read: {err}", {"field": "body"})


def json_parse(raw, *, message: str, **options):
    """`json.loads(raw, **options)`, or DomainError("WS_BODY_INVALID", message)."""
    try:
        return json.loads(raw, **options)
    except (ValueError, RecursionError):  # RecursionError: "[[[[..." deeper than Python's stack allows
        raise DomainError("WS_BODY_INVALID", message, {"field": "body"}) from None
