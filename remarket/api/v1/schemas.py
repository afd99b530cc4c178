from ninja import Query, Schema
from pydantic import BaseModel

# The furthest a list may be read: a database's OFFSET is a signed 64-bit number, and a negative one is an error;
# past this bound a client is walking the list, not paging it.
MAX_OFFSET = 1_000_000_000


def offset_query():
    """The `offset` parameter of a list: 0 to MAX_OFFSET, anything else a 422 before any query."""
    return Query(0, ge=0, le=MAX_OFFSET, description=f"Rows to skip, 0 to {MAX_OFFSET:,}.")


class Plain(BaseModel):
    """For request bodies and answers built from dicts: validated in pydantic's core alone. ninja's `Schema`
    wraps every value it validates in an object that reads each field through Python (so that it can read model
    instances and `resolve_*` methods); on the checkout's two requests that was ≈ 40 Python calls per request."""


class Error(Plain):
    code: str
    message: str
    details: dict


class Money(Schema):
    amount_minor: int
    currency: str
