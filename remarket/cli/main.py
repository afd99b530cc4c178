"""The `remarket` command: Django's management commands under the project's own names.

remarket serve     gunicorn on 127.0.0.1:$PORT (8000), supervising one background worker
remarket worker    drains the outbox and runs periodic jobs
remarket demo      builds the demo marketplace (idempotent: skips when one exists)
remarket fx-load   loads monthly FX rates from the Federal Reserve CSV
remarket migrate   and every other Django command (createsuperuser, check, shell...)
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "remarket.settings.local")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:]
    if args and "-" in args[0] and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    execute_from_command_line(["remarket", *args])


if __name__ == "__main__":
    main()
