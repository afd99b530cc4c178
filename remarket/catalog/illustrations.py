"""Drawn device illustrations: what the demo shows where a merchant or the operator has uploaded no photo.

A silhouette of the category's device (phone, tablet, laptop, or a plain box for the others) filled with the
variant's colour, drawn with Pillow. They are stored like photos (catalog/images.py) with kind
`illustration`: the page says they are illustrations, and so does their alt text."""

import functools
import io
import re

from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw

from .images import _store, thumbnails
from .models import ProductImage, ProductModel
from .selectors import images_forget

WIDTH, HEIGHT = 960, 960
BACKGROUND = (246, 246, 244)

# A colour's name as makers write it → the fill drawn; the first keyword found in the name wins.
COLOURS: tuple[tuple[str, tuple[int, int, int]], ...] = (
    ("space black", (40, 40, 42)),
    ("space grey", (95, 96, 100)),
    ("space gray", (95, 96, 100)),
    ("midnight", (38, 45, 58)),
    ("starlight", (240, 232, 218)),
    ("graphite", (72, 72, 76)),
    ("desert", (196, 170, 140)),
    ("natural", (186, 180, 168)),
    ("titanium", (150, 150, 148)),
    ("black", (30, 30, 32)),
    ("white", (250, 250, 250)),
    ("silver", (214, 216, 218)),
    ("grey", (130, 132, 136)),
    ("gray", (130, 132, 136)),
    ("gold", (222, 196, 140)),
    ("rose", (232, 190, 182)),
    ("pink", (240, 186, 200)),
    ("red", (190, 30, 45)),
    ("coral", (240, 128, 110)),
    ("orange", (240, 140, 60)),
    ("yellow", (246, 220, 100)),
    ("green", (90, 140, 110)),
    ("mint", (170, 220, 196)),
    ("teal", (60, 140, 140)),
    ("blue", (60, 100, 170)),
    ("ultramarine", (70, 80, 200)),
    ("purple", (150, 110, 180)),
    ("lavender", (190, 170, 220)),
    ("violet", (140, 90, 180)),
    ("cream", (240, 230, 205)),
    ("beige", (220, 205, 180)),
)
DEFAULT_FILL = (160, 162, 166)


def colour_fill(colour: str) -> tuple[int, int, int]:
    name = colour.lower()
    for keyword, rgb in COLOURS:
        if re.search(rf"\b{keyword}\b", name):
            return rgb
    return DEFAULT_FILL


def shape_of(category_slug: str) -> str:
    slug = category_slug.lower()
    for shape in ("phone", "tablet", "laptop", "watch"):
        if shape in slug:
            return shape
    return "device"


def _edge(fill: tuple[int, int, int]) -> tuple[int, int, int]:
    """A darker outline for light colours and a lighter one for dark colours, so every silhouette shows."""
    light = sum(fill) / 3 > 128
    return tuple(max(0, c - 70) for c in fill) if light else tuple(min(255, c + 70) for c in fill)  # type: ignore[return-value]


def illustration_png(shape: str, colour: str) -> bytes:
    fill = colour_fill(colour)
    edge = _edge(fill)
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    if shape == "phone":
        draw.rounded_rectangle((330, 100, 630, 860), radius=60, fill=fill, outline=edge, width=8)
        draw.rounded_rectangle((360, 140, 470, 250), radius=30, fill=edge)  # camera block
        draw.ellipse((385, 165, 425, 205), fill=fill)
        draw.ellipse((420, 200, 455, 235), fill=fill)
    elif shape == "tablet":
        draw.rounded_rectangle((220, 120, 740, 840), radius=50, fill=fill, outline=edge, width=8)
        draw.ellipse((255, 155, 300, 200), fill=edge)
    elif shape == "laptop":
        draw.rounded_rectangle((200, 230, 760, 620), radius=24, fill=fill, outline=edge, width=8)  # lid
        draw.rounded_rectangle((245, 270, 715, 580), radius=8, fill=edge)  # screen
        draw.polygon([(130, 640), (830, 640), (880, 720), (80, 720)], fill=fill, outline=edge)  # base
        draw.rounded_rectangle((410, 650, 550, 670), radius=8, fill=edge)
    elif shape == "watch":
        draw.rectangle((400, 110, 560, 300), fill=edge)
        draw.rectangle((400, 660, 560, 850), fill=edge)
        draw.rounded_rectangle((330, 270, 630, 690), radius=80, fill=fill, outline=edge, width=10)
    else:
        draw.rounded_rectangle((200, 260, 760, 700), radius=60, fill=fill, outline=edge, width=8)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@functools.lru_cache(maxsize=256)
def illustration_files(shape: str, colour: str) -> tuple[tuple[tuple[str, str], ...], int, int, str]:
    """The stored thumbnails of one drawing (drawn and written once per process and shape × colour)."""
    import hashlib

    png = illustration_png(shape, colour)
    encoded, (width, height) = thumbnails(Image.open(io.BytesIO(png)))
    return tuple(sorted(_store(encoded).items())), width, height, hashlib.sha256(png).hexdigest()


def illustration_alt(model: ProductModel, colour: str) -> str:
    name = f"{model.brand} {model.name}"
    if colour:
        return _("Illustration of a %(model)s in %(colour)s, drawn by remarket (not a photo)") % {
            "model": name,
            "colour": colour,
        }
    return _("Illustration of a %(model)s, drawn by remarket (not a photo)") % {"model": name}


def illustrations_add(*, pairs: list[tuple[ProductModel, str]], category_slugs: dict[int, str]) -> int:
    """One drawn illustration per (model, colour) that has none yet; returns how many were added."""
    have = set(
        ProductImage.objects.filter(
            model__in={m.pk for m, _ in pairs}, kind=ProductImage.Kind.ILLUSTRATION
        ).values_list("model_id", "colour")
    )
    rows = []
    for model, colour in pairs:
        if (model.pk, colour) in have:
            continue
        have.add((model.pk, colour))
        files, width, height, sha = illustration_files(shape_of(category_slugs[model.category_id]), colour)
        rows.append(
            ProductImage(
                model=model,
                colour=colour,
                position=0,
                kind=ProductImage.Kind.ILLUSTRATION,
                alt=illustration_alt(model, colour),
                sha256=sha,
                width=width,
                height=height,
                files=dict(files),
            )
        )
    with transaction.atomic():
        ProductImage.objects.bulk_create(rows, batch_size=500)
    images_forget()
    return len(rows)
