"""gunicorn settings for `remarket serve`: sync workers, JSON-ish access log, and the background
worker started and stopped with the arbiter so one command runs the whole embedded marketplace."""

import os
import subprocess
import sys
import threading

worker_class = "sync"
timeout = 60
graceful_timeout = 10
accesslog = None
errorlog = "-"
preload_app = False

_worker: subprocess.Popen | None = None


_stopping = threading.Event()


def _start(server) -> None:
    global _worker
    _worker = subprocess.Popen([sys.executable, "-m", "remarket.cli.main", "worker"])
    server.log.info("background worker started, pid %s", _worker.pid)


def _supervise(server) -> None:
    """Restart the background worker if it dies, at most once every five seconds."""
    while not _stopping.wait(5):
        if _worker is not None and _worker.poll() is not None:
            server.log.warning("background worker exited with %s; restarting", _worker.returncode)
            _start(server)


def when_ready(server):
    # with a broker, Celery workers and beat do the background work (README "Running at scale")
    if os.environ.get("REMARKET_SUPERVISE_WORKER") == "1" and not os.environ.get("CELERY_BROKER_URL"):
        _start(server)
        threading.Thread(target=_supervise, args=(server,), daemon=True).start()


def on_exit(server):
    _stopping.set()
    if _worker is not None and _worker.poll() is None:
        _worker.terminate()
        try:
            _worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _worker.kill()
        server.log.info("background worker stopped")
