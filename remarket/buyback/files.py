"""Files proving a counter-offer or joined to a message: recognised by their signature, size bounded."""

import hashlib

from django.utils.translation import gettext as _

from remarket.core.errors import DomainError

FILE_MAX_BYTES = 5 * 1024 * 1024
FILES_MAX = 5


def file_type(content: bytes) -> str | None:
    """PNG, JPEG or PDF by its magic bytes (the contract's .jp(e)g, .png, .pdf), else None."""
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def files_check(files: list[tuple[str, bytes]]) -> list[dict]:
    """Each (name, content)'s row values, or a DomainError for the first bad one."""
    if len(files) > FILES_MAX:
        raise DomainError(
            "BUYBACK_FILES_TOO_MANY", _("Send at most %(n)s files.") % {"n": FILES_MAX}, {"max": FILES_MAX}
        )
    rows = []
    for i, (name, content) in enumerate(files):
        if len(content) > FILE_MAX_BYTES:
            raise DomainError(
                "BUYBACK_FILE_TOO_LARGE", _("A file is at most 5 MB."), {"file": i, "max_bytes": FILE_MAX_BYTES}
            )
        kind = file_type(content)
        if kind is None:
            raise DomainError("BUYBACK_FILE_TYPE", _("A file is a PNG or JPEG photo, or a PDF."), {"file": i})
        name = str(name or f"file-{i + 1}").strip()[:120] or f"file-{i + 1}"
        rows.append(
            {
                "name": name,
                "content_type": kind,
                "content": content,
                "size": len(content),
                "sha256": hashlib.sha256(content).hexdigest(),
            }
        )
    return rows
