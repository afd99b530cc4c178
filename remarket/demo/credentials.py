"""The demo's logins, written once to a file only its owner may read."""

import json
import os
from pathlib import Path

from django.conf import settings

KEYS = ("operator", "merchants", "clerks", "customers", "partner_managers")


def credentials_path() -> Path:
    return Path(getattr(settings, "VAR_DIR", Path.cwd() / "var")) / "demo-credentials.json"


def credentials_write(*, credentials: dict, path: Path) -> Path:
    """Write `{"operator": {...}, "merchants": [...], "clerks": [...], "customers": [...],
    "partner_managers": [...]}` as JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump({key: credentials[key] for key in KEYS}, f, ensure_ascii=False, indent=2)
        f.write("\n")
    return path
