"""What `remarket check-deploy` verifies of a deployment before it serves: every service it is configured with
answers, the schema is current, and the production profile's safety checks pass. Each check returns one line;
a deployment is ready when none failed."""

from dataclasses import dataclass

from django.conf import settings
from django.db import connections


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    code: str = ""  # stable, for a failed check: DEPLOY_<WHAT>


def _database(alias: str) -> list[Check]:
    from django.db.migrations.executor import MigrationExecutor

    try:
        connection = connections[alias]
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:
        return [Check(f"database {alias}", False, f"unreachable: {exc}"[:300], "DEPLOY_DATABASE_UNREACHABLE")]
    found = [Check(f"database {alias}", True, f"{connection.vendor} answers")]
    # the replica's schema is the primary's, replicated: behind it, it has not caught up (or replicates nothing)
    label, fix = ("migrations", "run migrate") if alias == "default" else (f"migrations ({alias})", "wait for it")
    if pending:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in pending[:5])
        found.append(Check(label, False, f"{len(pending)} not applied ({names}): {fix}", "DEPLOY_MIGRATIONS_PENDING"))
    else:
        found.append(Check(label, True, "all applied"))
    return found


def _replica() -> Check:
    """With a read replica (reachable and caught up with the migrations: `_database`), a cache every app server
    shares: the read-your-writes pin of an API client that keeps no cookie is an entry in it."""
    from .replica import replica_configured

    if not replica_configured():
        return Check("replica", True, "none: every read goes to the primary")
    if "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        return Check(
            "replica",
            False,
            "read-your-writes needs a cache every app server shares: set REDIS_URL",
            "DEPLOY_REPLICA_WITHOUT_REDIS",
        )
    return Check("replica", True, "reports and read-only API pages read from it, their writers from the primary")


def _cache() -> Check:
    backend = settings.CACHES["default"]["BACKEND"]
    if "redis" not in backend.lower():
        return Check("cache", True, f"{backend.rsplit('.', 1)[-1]} (this process's own: one app server only)")
    from django.core.cache import cache

    try:
        cache.set("remarket:check-deploy", "1", 10)
        answered = cache.get("remarket:check-deploy") == "1"
    except Exception as exc:
        return Check("redis", False, f"unreachable: {exc}"[:300], "DEPLOY_REDIS_UNREACHABLE")
    if not answered:
        return Check("redis", False, "a value written was not read back", "DEPLOY_REDIS_UNREACHABLE")
    return Check("redis", True, "cache, sessions and rate counters answer")


def _broker() -> Check:
    url = settings.CELERY_BROKER_URL
    if not url:
        return Check("broker", True, "none: the embedded worker does the background work")
    from kombu import Connection

    try:
        with Connection(url, connect_timeout=5) as conn:
            conn.ensure_connection(max_retries=1, timeout=5)
    except Exception as exc:
        return Check("broker", False, f"unreachable: {exc}"[:300], "DEPLOY_BROKER_UNREACHABLE")
    return Check("broker", True, f"{url.split('://', 1)[0]} answers")


def _safety() -> list[Check]:
    from .checks import production_is_safe

    errors = production_is_safe()
    if not errors:
        return [Check("profile", True, f"{settings.REMARKET.get('PROFILE')}: payment gateway and secrets accepted")]
    return [Check("profile", False, f"{e.id}: {e.msg} {e.hint}", "DEPLOY_UNSAFE") for e in errors]


def deployment_check() -> list[Check]:
    found = []
    for alias in settings.DATABASES:
        found.extend(_database(alias))
    found.append(_replica())
    found.append(_cache())
    found.append(_broker())
    found.extend(_safety())
    return found
