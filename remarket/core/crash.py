"""Named crash points for the recovery tests: with REMARKET_CRASH_AT=<name> the process kills itself on the spot
with SIGKILL, as `kill -9` or a power cut would: no exception handler, `finally` or atexit hook runs, and only
what was committed survives. Production never sets the variable."""

import os
import signal

POINTS = ("after_order_commit", "after_submit", "after_authorize", "after_capture", "before_webhook_recorded")


def crash_point(name: str) -> None:
    assert name in POINTS, name
    if os.environ.get("REMARKET_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
