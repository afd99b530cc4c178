"""The catalog's generated image files, served ahead of Django.

Their names are the SHA-256 of their bytes (catalog/images.py), so a file at a name never changes: every answer
says `Cache-Control: public, max-age=31536000, immutable`, browsers and CDNs keep them a year and never ask
again. The files appear while the servers run (uploads), so WhiteNoise looks each request's path up on disk
(`autorefresh`) rather than listing the folder at start; a path outside MEDIA_ROOT/photos, or a name that is
not there, falls through to Django (a 404). In production the reverse proxy serves MEDIA_URL from MEDIA_ROOT
with the same header (README, "Running at scale") and this route is only reached when it does not."""

from pathlib import Path

from django.conf import settings
from whitenoise.base import WhiteNoise  # type: ignore[import-untyped]

CACHE_CONTROL = "public, max-age=31536000, immutable"
MEDIA_PREFIX = "photos"


def _forever(headers, path: str, url: str) -> None:
    headers["Cache-Control"] = CACHE_CONTROL


def media_served(application):
    """`application` with MEDIA_URL/photos/ answered from MEDIA_ROOT/photos/ before it."""
    root = Path(settings.MEDIA_ROOT) / MEDIA_PREFIX
    root.mkdir(parents=True, exist_ok=True)
    served = WhiteNoise(
        application,
        autorefresh=True,
        max_age=31536000,
        allow_all_origins=True,
        add_headers_function=_forever,
    )
    served.add_files(str(root), prefix=f"{settings.MEDIA_URL}{MEDIA_PREFIX}/")
    return served


def media_url(name: str) -> str:
    """The URL of a stored file name (`photos/ab/abcd….webp`)."""
    return f"{settings.MEDIA_URL}{name}"
