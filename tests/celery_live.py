"""Celery workers and beat on the test database and the RabbitMQ at 127.0.0.1:5672, for the tests that run the
stack at scale. Each test gets its own queue, so tests of several checkouts sharing one broker never see each
other's tasks; processes are stopped by their pid."""

import os
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager

from .conftest import ROOT, database_url

BROKER = os.environ.get("REMARKET_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")


def celery_env(queue: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "remarket.settings.test",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": BROKER,
        "CELERY_QUEUE": queue,
        **extra,
    }


def new_queue() -> str:
    return f"remarket-test-{uuid.uuid4().hex[:12]}"


def start(kind: str, env: dict[str, str]) -> subprocess.Popen:
    """`kind`: "worker" (one process, solo pool: the pid that runs the task is the one to kill) or "beat"."""
    level = os.environ.get("REMARKET_TEST_CELERY_LOGLEVEL", "WARNING")
    args = [sys.executable, "-m", "celery", "-A", "remarket.events.celery_app", kind, "--loglevel", level]
    if kind == "worker":
        # a node name of its own: two workers of one host under one name share a control queue, and one dies
        args += ["--pool", "solo", "--without-gossip", "--without-mingle", "--without-heartbeat"]
        node = f"{env['CELERY_QUEUE']}-{uuid.uuid4().hex[:6]}@{socket.gethostname()}"
        args += ["--hostname", node]
    proc = subprocess.Popen(args, cwd=ROOT, env=env)
    proc.node = node if kind == "worker" else ""  # type: ignore[attr-defined]
    return proc


def wait_consuming(proc: subprocess.Popen, seconds: float = 90) -> None:
    """Until the worker answers a ping on its control queue: it is connected and taking tasks."""
    from celery import Celery

    control = Celery(broker=BROKER).control
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the Celery worker exited with {proc.returncode}")
        if control.ping(destination=[proc.node], timeout=1):
            return
    raise RuntimeError(f"the Celery worker {proc.node} did not answer within {seconds} s")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def queue_delete(queue: str) -> None:
    from kombu import Connection

    with Connection(BROKER) as conn:
        channel = conn.channel()
        channel.queue_delete(queue)
        channel.queue_delete(f"{queue}.ticks")


@contextmanager
def celery_stack(*, workers: int = 1, beat: bool = True, env: dict[str, str] | None = None, queue: str = ""):
    """`workers` Celery workers and optionally beat, on a queue of their own (or `queue`); yields (queue,
    processes by name, their environment)."""
    queue = queue or new_queue()
    full = celery_env(queue, **(env or {}))
    procs = {f"worker{i}": start("worker", full) for i in range(workers)}
    for i in range(workers):
        wait_consuming(procs[f"worker{i}"])
    if beat:
        procs["beat"] = start("beat", full)
    try:
        yield queue, procs, full
    finally:
        for proc in procs.values():
            stop(proc)
        queue_delete(queue)
