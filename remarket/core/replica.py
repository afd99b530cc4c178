"""The optional read replica: reports and read-only API pages read from it, everything else from the primary.

`DATABASE_REPLICA_URL` adds the `replica` database (settings/base.py `replica_from_env`); without it nothing
here changes a query. A view opts in with `replica_reads` (`decorate_view(replica_reads)` under a django-ninja
operation): while it runs, the ORM's reads go to the replica, except

- the tables of identity and sessions (tokens, users, sessions, login failures), read from the primary always:
  a token made a moment ago must work, and a revoked one must stop at once;
- for a visitor who wrote a moment ago (read-your-writes): a request that wrote — any POST, PUT, PATCH or DELETE
  answered below 400, or any write the ORM made — pins its author's reads to the primary for
  `REMARKET["REPLICA_PIN_SECONDS"]` (longer than the replica's usual lag). The pin is a cookie (browsers, guests
  included) and a cache entry per user (API clients that keep no cookie; the cache is Redis at scale, so every app
  server sees it).

Writes always go to the primary, and migrations run there only: the replica's schema arrives by replication."""

import contextvars
import functools
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS

REPLICA = "replica"
PIN_COOKIE = "remarket_primary_until"
# always read from the primary: who the caller is must never lag
_PRIMARY_ONLY = frozenset({"accounts", "auth", "sessions", "axes", "contenttypes"})
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

_reading: contextvars.ContextVar[Any] = contextvars.ContextVar("replica_reading", default=None)
_wrote: contextvars.ContextVar[list[bool] | None] = contextvars.ContextVar("replica_wrote", default=None)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def pin_seconds() -> int:
    return int(settings.REMARKET.get("REPLICA_PIN_SECONDS", 10))


def _user_id(request) -> int | None:
    actor = getattr(request, "actor", None)
    if actor is not None and getattr(actor, "user_id", None) is not None:
        return actor.user_id
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user.pk
    return None


def _pin_key(user_id: int) -> str:
    return f"replica:pin:user:{user_id}"


def pinned(request) -> bool:
    """Whether this request's author wrote within the pin's time: its reads then stay on the primary."""
    try:
        if float(request.COOKIES.get(PIN_COOKIE, "0")) > time.time():
            return True
    except ValueError:
        pass  # a cookie not of ours: no pin from it
    user_id = _user_id(request)
    return user_id is not None and bool(cache.get(_pin_key(user_id)))


def pin(request, response) -> None:
    """Pin the request's author to the primary for the pin's time (its cookie on `response`, its user's entry in
    the cache)."""
    seconds = pin_seconds()
    until = time.time() + seconds
    response.set_cookie(
        PIN_COOKIE,
        f"{until:.0f}",
        max_age=seconds,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    user_id = _user_id(request)
    if user_id is not None:
        cache.set(_pin_key(user_id), f"{until:.0f}", timeout=seconds)


def replica_reads(view: Callable) -> Callable:
    """The view's reads from the replica unless its caller is pinned (decided at its first read, once the caller
    is known: a django-ninja operation authenticates inside the view this wraps)."""

    @functools.wraps(view)
    def reading(request, *args, **kwargs):
        token = _reading.set(request)
        try:
            return view(request, *args, **kwargs)
        finally:
            _reading.reset(token)

    return reading


def reads_alias() -> str:
    """Where the current view's reads go: `replica` or `default`."""
    request = _reading.get()
    if request is None or not replica_configured():
        return DEFAULT_DB_ALIAS
    decided = getattr(request, "_replica_alias", None)
    if decided is None:
        decided = DEFAULT_DB_ALIAS if pinned(request) else REPLICA
        request._replica_alias = decided
    return decided


class ReplicaRouter:
    """settings.DATABASE_ROUTERS: the replica for the reads of the views that opted in, the primary otherwise."""

    def db_for_read(self, model, **hints):
        if model._meta.app_label in _PRIMARY_ONLY:
            return DEFAULT_DB_ALIAS
        return reads_alias()

    def db_for_write(self, model, **hints):
        wrote = _wrote.get()
        if wrote is not None and model._meta.app_label not in _PRIMARY_ONLY:
            wrote[0] = True
        return DEFAULT_DB_ALIAS  # never where an instance read from the replica came from

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the primary's rows: an object read from either is the same row

    def allow_migrate(self, db, app_label, **hints):
        return db == DEFAULT_DB_ALIAS


class ReplicaPinMiddleware:
    """After a request that wrote, pins its author's reads to the primary (see `pin`). Stands after the
    authentication middleware; does nothing without a replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        wrote = [False]
        token = _wrote.set(wrote)
        try:
            response = self.get_response(request)
        finally:
            _wrote.reset(token)
        if wrote[0] or (request.method not in _SAFE_METHODS and response.status_code < 400):
            pin(request, response)
        return response
