"""Named crash points for the recovery tests: with REMARKET_CRASH_AT=<name> the process dies on the spot,
as a power cut would, leaving whatever was committed. Production never sets the variable."""
import os

POINTS = ("after_order_commit", "after_authorize", "after_capture", "before_webhook_recorded")


def crash_point(name: str) -> None:
    assert name in POINTS, name
    if os.environ.get("REMARKET_CRASH_AT") == name:
        os._exit(86)
