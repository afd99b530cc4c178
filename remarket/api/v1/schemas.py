from ninja import Schema


class Error(Schema):
    code: str
    message: str
    details: dict


class Money(Schema):
    amount_minor: int
    currency: str
