"""Catalog images: an upload checked, turned into thumbnails, stored under content-hashed names.

An upload is refused with a stable code, and nothing is stored, when it is not an image Pillow reads
(`CATALOG_IMAGE_NOT_IMAGE`), when its file is too large (`CATALOG_IMAGE_TOO_LARGE`, MAX_BYTES) or when it
declares more pixels than MAX_PIXELS (`CATALOG_IMAGE_TOO_MANY_PIXELS`): the header is read before any pixel is
decoded, so a decompression bomb costs nothing.

Each image is stored as THUMB_WIDTHS × (WebP, JPEG) files named after the SHA-256 of their own bytes
(`photos/ab/abcdef….webp`): a name never changes meaning, so they are served with
`Cache-Control: public, max-age=31536000, immutable` (remarket/wsgi.py serves them before Django, the
reverse proxy in production; README "Running at scale"). The same upload twice is the same files."""

import hashlib
import io
import warnings

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from remarket.accounts.permissions import Actor, require
from remarket.core.errors import DomainError, NotFound

from .models import ProductImage, ProductModel
from .selectors import images_forget, model_colours, product_model_get

MAX_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 40_000_000  # 40 megapixels: any camera's photo, far below what would exhaust a worker's memory
FORMATS = ("JPEG", "PNG", "WEBP")
THUMB_WIDTHS = (160, 480, 960)
OUTPUTS = (("webp", "WEBP", {"quality": 80, "method": 4}), ("jpg", "JPEG", {"quality": 82, "optimize": True}))
PREFIX = "photos"


def _refuse(code: str, message: str) -> DomainError:
    return DomainError(code, message)


def image_checked(data: bytes) -> Image.Image:
    """The decoded image of an upload, or a refusal with its code; the pixel count is checked on the header."""
    if len(data) > MAX_BYTES:
        raise _refuse(
            "CATALOG_IMAGE_TOO_LARGE",
            _("The image is larger than %(mb)s MB: send a smaller file.") % {"mb": MAX_BYTES // 2**20},
        )
    if not data:
        raise _refuse("CATALOG_IMAGE_NOT_IMAGE", _("The file is empty: send a JPEG, PNG or WebP image."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=FORMATS)
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise _refuse(
                    "CATALOG_IMAGE_TOO_MANY_PIXELS",
                    _("The image has more than %(mp)s million pixels: send a smaller one.")
                    % {"mp": MAX_PIXELS // 1_000_000},
                )
            image.load()
    except DomainError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(
            "CATALOG_IMAGE_TOO_MANY_PIXELS",
            _("The image has more than %(mp)s million pixels: send a smaller one.") % {"mp": MAX_PIXELS // 1_000_000},
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _refuse(
            "CATALOG_IMAGE_NOT_IMAGE", _("The file is not an image: send a JPEG, PNG or WebP image.")
        ) from None
    return ImageOps.exif_transpose(image)


def thumbnails(image: Image.Image) -> tuple[dict[str, bytes], tuple[int, int]]:
    """ "<width>.<ext>" → the encoded bytes, for every width up to the image's own; and the largest's size."""
    rgb = image.convert("RGBA")
    flat = Image.new("RGB", rgb.size, (255, 255, 255))
    flat.paste(rgb, mask=rgb.getchannel("A"))
    out: dict[str, bytes] = {}
    widths = [w for w in THUMB_WIDTHS if w <= flat.width] or [flat.width]
    size = flat.size
    for width in widths:
        height = max(1, round(flat.height * width / flat.width))
        resized = flat if width == flat.width else flat.resize((width, height), Image.Resampling.LANCZOS)
        size = resized.size
        for ext, fmt, options in OUTPUTS:
            buffer = io.BytesIO()
            resized.save(buffer, fmt, **options)
            out[f"{width}.{ext}"] = buffer.getvalue()
    return out, size


def _store(encoded: dict[str, bytes]) -> dict[str, str]:
    names = {}
    for key, data in encoded.items():
        digest = hashlib.sha256(data).hexdigest()
        name = f"{PREFIX}/{digest[:2]}/{digest[:40]}.{key.rsplit('.', 1)[1]}"
        if not default_storage.exists(name):
            saved = default_storage.save(name, ContentFile(data))
            if saved != name:  # two processes wrote the same bytes at once: keep one copy
                default_storage.delete(saved)
        names[key] = name
    return names


def product_image_add(
    *, model: ProductModel, data: bytes, colour: str = "", alt: str = "", kind: str = ProductImage.Kind.PHOTO
) -> ProductImage:
    """Check an upload, store its thumbnails and add it to the model's gallery (last); the same bytes again for
    the same model and colour return the image already there."""
    if kind not in ProductImage.Kind.values:
        raise DomainError("CATALOG_IMAGE_KIND_UNKNOWN", f"Unknown image kind {kind!r}.")
    colour = colour.strip()[:40]
    sha = hashlib.sha256(data).hexdigest()
    existing = ProductImage.objects.filter(model=model, colour=colour, sha256=sha).first()
    if existing is not None:
        return existing
    image = image_checked(data)
    encoded, (width, height) = thumbnails(image)
    files = _store(encoded)  # content-addressed: a rollback leaves at most files no row names, never a wrong one
    with transaction.atomic():
        last = ProductImage.objects.filter(model=model).aggregate(n=Max("position"))["n"]
        transaction.on_commit(lambda: images_forget(model_id=model.pk))
        return ProductImage.objects.create(
            model=model,
            colour=colour,
            position=0 if last is None else last + 1,
            kind=kind,
            alt=alt.strip()[:200],
            sha256=sha,
            width=width,
            height=height,
            files=files,
        )


def product_image_upload(*, actor: Actor, slug: str, data: bytes, colour: str = "", alt: str = "") -> ProductImage:
    """The operator's upload (the ops pages): a photo added to a model's gallery."""
    require(actor, "catalog.write")
    model = product_model_get(slug=slug)
    if colour and colour not in model_colours(model_id=model.pk):
        raise DomainError(
            "CATALOG_IMAGE_COLOUR_UNKNOWN",
            _("%(model)s does not come in %(colour)s.") % {"model": model, "colour": colour},
        )
    return product_image_add(model=model, data=data, colour=colour, alt=alt)


def product_image_remove(*, actor: Actor, slug: str, image_id: int) -> None:
    """Take one of a model's images out of its gallery; its files stay (names never change meaning, and
    another image may share them)."""
    require(actor, "catalog.write")
    image = ProductImage.objects.filter(pk=image_id, model__slug=slug).first()
    if image is None:
        raise NotFound("CATALOG_IMAGE_NOT_FOUND", _("There is no such image of this product."))
    image.delete()
    images_forget(model_id=image.model_id)
