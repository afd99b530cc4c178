from ninja import Schema
from pydantic import BaseModel


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
