"""The Idempotency-Key contract, shared by every state-changing endpoint.

A replay with the same key and body returns the first answer; the same key with another body is 422;
a duplicate arriving while the first is still running is 409. The key row is written inside the
write's own transaction, so a rolled-back write leaves no key behind."""

import hashlib
import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from . import clock
from .db import advisory_lock
from .errors import DomainError
from .models import IdempotencyKey


@dataclass(frozen=True)
class Outcome:
    status_code: int
    body: Any
    replayed: bool


def fingerprint(body: Any) -> str:
    raw = body if isinstance(body, bytes) else json.dumps(body, sort_keys=True, default=str).encode()
    return hashlib.sha256(raw).hexdigest()


def _lock_key(scope: str, route: str, key: str) -> int:
    return zlib.crc32(f"{scope}|{route}|{key}".encode()) - 2**31


def idempotent(*, scope: str, route: str, key: str | None, body: Any, run: Callable[[], tuple[int, Any]]) -> Outcome:
    """Run `run()` once per (scope, route, key). `run` returns (status, JSON-able body)."""
    if not key:
        with transaction.atomic():
            status, result = run()
        return Outcome(status, result, False)
    if len(key) > 255:
        raise DomainError("IDEMPOTENCY_KEY_INVALID", "An Idempotency-Key is at most 255 characters.")
    print_ = fingerprint(body)
    with transaction.atomic():
        if not advisory_lock(_lock_key(scope, route, key), wait=False):
            raise DomainError(
                "IDEMPOTENCY_IN_PROGRESS",
                "A request with this Idempotency-Key is still running; retry shortly.",
                status=409,
            )
        seen = IdempotencyKey.objects.filter(scope=scope, route=route, key=key).first()
        if seen is not None:
            if seen.fingerprint != print_:
                raise DomainError(
                    "IDEMPOTENCY_KEY_REUSED",
                    "This Idempotency-Key was used with a different request body; use a new key.",
                    status=422,
                )
            return Outcome(seen.status_code, seen.body, True)
        status, result = run()
        try:
            with transaction.atomic():
                IdempotencyKey.objects.create(
                    scope=scope,
                    route=route,
                    key=key,
                    fingerprint=print_,
                    status_code=status,
                    body=result,
                    created_at=clock.now(),
                )
        except IntegrityError:
            raise DomainError(
                "IDEMPOTENCY_IN_PROGRESS",
                "A request with this Idempotency-Key is still running; retry shortly.",
                status=409,
            ) from None
        return Outcome(status, result, False)
