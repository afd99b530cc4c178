"""Photos of transit damage: recognised by their file signature (no image library in the lock), size bounded."""

import hashlib

from django.utils.translation import gettext as _

from remarket.core.errors import DomainError

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTOS_MAX = 5


def photo_type(content: bytes) -> str | None:
    """The image type by its magic bytes: PNG, JPEG or WebP, else None."""
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if len(content) >= 12 and content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return None


def photos_check(photos: list[bytes]) -> list[dict]:
    """Each photo's row values (without its request), or a DomainError for the first bad one."""
    if len(photos) > PHOTOS_MAX:
        raise DomainError(
            "AFTERSALES_PHOTOS_TOO_MANY", _("Send at most %(n)s photos.") % {"n": PHOTOS_MAX}, {"max": PHOTOS_MAX}
        )
    rows = []
    for i, content in enumerate(photos):
        if len(content) > PHOTO_MAX_BYTES:
            raise DomainError(
                "AFTERSALES_PHOTO_TOO_LARGE",
                _("A photo is at most 5 MB."),
                {"photo": i, "max_bytes": PHOTO_MAX_BYTES},
            )
        kind = photo_type(content)
        if kind is None:
            raise DomainError("AFTERSALES_PHOTO_NOT_IMAGE", _("A photo is a PNG, JPEG or WebP image."), {"photo": i})
        rows.append(
            {
                "content_type": kind,
                "content": content,
                "size": len(content),
                "sha256": hashlib.sha256(content).hexdigest(),
            }
        )
    return rows
