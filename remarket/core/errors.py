"""The one error type of the domain layer. Each interface turns it into its own form in one place."""

from typing import Any


class DomainError(Exception):
    """A refused request: `code` is stable (`<DOMAIN>_<REASON>`), `message` is for people."""

    status = 400

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None, *, status: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}
        if status is not None:
            self.status = status

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self.message), "details": self.details}


class NotFound(DomainError):
    status = 404

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None):
        super().__init__(code, message, details)


class Forbidden(DomainError):
    status = 403

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None):
        super().__init__(code, message, details)


class Conflict(DomainError):
    status = 409

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None):
        super().__init__(code, message, details)


class TooManyRequests(DomainError):
    """A limit was reached; `retry_after` seconds until it is worth trying again (the Retry-After header)."""

    status = 429

    def __init__(self, code: str, message: str, *, retry_after: int):
        super().__init__(code, message, {"retry_after": retry_after})
        self.retry_after = retry_after
