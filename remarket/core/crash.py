"""Named crash points for the recovery tests.

With REMARKET_CRASH_AT=<name> the process kills itself on the spot with SIGKILL, as `kill -9` or a power cut
would: no exception handler, `finally` or atexit hook runs, and only what was committed survives.

With REMARKET_PAUSE_AT=<name> and REMARKET_PAUSE_DIR=<folder> it stops there instead: it writes
`<folder>/<name>.<pid>` and sleeps (at most a minute), so that a test can kill it from outside, as an operator's
`kill -9` of a gunicorn worker in the middle of a request would. Production sets neither variable."""

import os
import signal
import time
from pathlib import Path

POINTS = (
    "after_order_commit",
    "after_submit",
    "after_authorize",
    "after_capture",
    "before_webhook_recorded",
    "in_event_handler",
)
PAUSE_SECONDS = 60


def crash_point(name: str) -> None:
    assert name in POINTS, name
    if os.environ.get("REMARKET_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
    if os.environ.get("REMARKET_PAUSE_AT") == name:
        (Path(os.environ["REMARKET_PAUSE_DIR"]) / f"{name}.{os.getpid()}").touch()
        time.sleep(PAUSE_SECONDS)
