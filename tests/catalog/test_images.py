"""Catalog images: an upload is checked, thumbnailed into WebP and JPEG under content-hashed names and added to
the model's gallery; bad input is refused with its code and leaves nothing behind; the files are served ahead of
Django with a year-long immutable cache."""

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image

from remarket.accounts.models import Role
from remarket.catalog import images
from remarket.catalog.images import product_image_add
from remarket.catalog.models import ProductImage, ProductModel
from remarket.core.errors import DomainError
from remarket.core.media import CACHE_CONTROL, media_served

from ..factories import CategoryFactory, MerchantFactory, UserFactory, VariantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def picture(width=1200, height=900, fmt="JPEG", colour=(200, 30, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, fmt)
    return buffer.getvalue()


def bomb_png(width=30_000, height=30_000) -> bytes:
    """A PNG whose header declares 900 million pixels, in a few hundred bytes (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


def stored_files(media: Path) -> list[Path]:
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


def test_an_upload_becomes_thumbnails_in_webp_and_jpeg_under_content_hashed_names(media):
    model = VariantFactory(colour="Red").model
    image = product_image_add(model=model, data=picture(), colour="Red", alt="The back")
    assert sorted(image.files) == ["160.jpg", "160.webp", "480.jpg", "480.webp", "960.jpg", "960.webp"]
    assert (image.width, image.height, image.colour, image.alt, image.position) == (960, 720, "Red", "The back", 0)
    for key, name in image.files.items():
        data = (media / name).read_bytes()
        assert name.startswith("photos/") and name.endswith("." + key.split(".")[1])
        import hashlib

        assert Path(name).stem == hashlib.sha256(data).hexdigest()[:40]  # the name is the content's hash
        with Image.open(io.BytesIO(data)) as thumb:
            assert thumb.format == {"jpg": "JPEG", "webp": "WEBP"}[key.split(".")[1]]
            assert thumb.width == int(key.split(".")[0])
    # the same bytes again: the same image, nothing more stored; another picture goes after it
    files = stored_files(media)
    assert product_image_add(model=model, data=picture(), colour="Red") == image
    assert stored_files(media) == files and ProductImage.objects.count() == 1
    second = product_image_add(model=model, data=picture(colour=(0, 0, 200), fmt="PNG"))
    assert (second.position, second.colour) == (1, "")


def test_a_small_picture_is_kept_at_its_own_width():
    model = VariantFactory().model
    image = product_image_add(model=model, data=picture(100, 50, fmt="PNG"))
    assert sorted(image.files) == ["100.jpg", "100.webp"] and (image.width, image.height) == (100, 50)


@pytest.mark.parametrize(
    "data, code",
    [
        (b"", "CATALOG_IMAGE_NOT_IMAGE"),
        (b"%PDF-1.4 not a picture at all", "CATALOG_IMAGE_NOT_IMAGE"),
        (picture()[:200], "CATALOG_IMAGE_NOT_IMAGE"),  # a truncated JPEG
        (b"GIF89a" + b"\0" * 100, "CATALOG_IMAGE_NOT_IMAGE"),  # not among JPEG, PNG, WebP
        (bomb_png(), "CATALOG_IMAGE_TOO_MANY_PIXELS"),
    ],
)
def test_bad_input_is_refused_with_its_code_and_nothing_is_stored(media, data, code):
    model = VariantFactory().model
    with pytest.raises(DomainError) as refused:
        product_image_add(model=model, data=data)
    assert refused.value.code == code
    assert ProductImage.objects.count() == 0 and stored_files(media) == []


def test_a_file_too_large_is_refused_before_it_is_decoded(media, monkeypatch):
    monkeypatch.setattr(images, "MAX_BYTES", 1000)
    with pytest.raises(DomainError) as refused:
        product_image_add(model=VariantFactory().model, data=picture())
    assert refused.value.code == "CATALOG_IMAGE_TOO_LARGE"
    assert ProductImage.objects.count() == 0 and stored_files(media) == []


def test_the_catalog_import_adds_the_photo_a_row_names_and_refuses_a_bad_one(media, tmp_path):
    CategoryFactory(slug="smartphones")
    (tmp_path / "red.jpg").write_bytes(picture())
    (tmp_path / "notes.txt").write_text("not a picture")
    csv = tmp_path / "catalog.csv"
    csv.write_text(
        "category,brand,model,storage_gb,colour,new_price_EUR,image,image_alt\n"
        "smartphones,Acme,Phone 1,128,Red,799.00,red.jpg,Red phone from the back\n"
        "smartphones,Acme,Phone 2,128,Blue,,notes.txt,\n"
        "smartphones,Acme,Phone 3,128,Blue,,missing.jpg,\n"
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("catalog_import", str(csv), stdout=io.StringIO(), stderr=err)
    assert "line 3: CATALOG_IMAGE_NOT_IMAGE" in err.getvalue() and "line 4: CATALOG_IMAGE_MISSING" in err.getvalue()
    model = ProductModel.objects.get()  # the refused rows created nothing
    assert (model.name, model.new_prices) == ("Phone 1", {"EUR": 79900})
    [image] = ProductImage.objects.all()
    assert (image.model_id, image.colour, image.alt) == (model.pk, "Red", "Red phone from the back")
    assert len(stored_files(media)) == 6


def test_the_operator_uploads_and_removes_a_photo_on_the_ops_pages(client, media):
    variant = VariantFactory(colour="Red")
    slug = variant.model.slug
    client.force_login(UserFactory(role=Role.OPERATOR))
    assert slug in client.get("/ops/catalog/").content.decode()
    page = f"/ops/catalog/{slug}/images/"
    upload = io.BytesIO(picture())
    upload.name = "red.jpg"
    response = client.post(page, {"image": upload, "colour": "Red", "alt": "Front"})
    assert response.status_code == 302
    [image] = ProductImage.objects.all()
    assert (image.colour, image.alt) == ("Red", "Front")
    bad = io.BytesIO(b"plain text")
    bad.name = "red.jpg"
    refused = client.post(page, {"image": bad})
    assert refused.status_code == 400 and "CATALOG_IMAGE_NOT_IMAGE" in refused.content.decode()
    wrong = io.BytesIO(picture())
    wrong.name = "x.jpg"
    refused = client.post(page, {"image": wrong, "colour": "Purple"})
    assert refused.status_code == 400 and "CATALOG_IMAGE_COLOUR_UNKNOWN" in refused.content.decode()
    assert ProductImage.objects.count() == 1
    assert client.post(f"{page}{image.pk}/remove").status_code == 302
    assert ProductImage.objects.count() == 0


def test_a_merchant_cannot_upload_catalog_images(client):
    variant = VariantFactory()
    client.force_login(UserFactory(role=Role.MERCHANT, merchant=MerchantFactory()))
    upload = io.BytesIO(picture())
    upload.name = "x.jpg"
    assert client.post(f"/ops/catalog/{variant.model.slug}/images/", {"image": upload}).status_code == 403
    assert ProductImage.objects.count() == 0


def _wsgi_get(app, path: str):
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(headers)

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "HTTP_HOST": "testserver",
    }
    body = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], body


def test_photos_are_served_before_django_with_a_year_long_immutable_cache(media):
    image = product_image_add(model=VariantFactory().model, data=picture())
    reached = []

    def django(environ, start_response):  # stands for Django: reached only when the file is not there
        reached.append(environ["PATH_INFO"])
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]

    app = media_served(django)
    status, headers, body = _wsgi_get(app, "/media/" + image.files["480.webp"])
    assert status.startswith("200") and headers["Cache-Control"] == CACHE_CONTROL
    assert headers["Content-Type"] == "image/webp" and body == (media / image.files["480.webp"]).read_bytes()
    assert reached == []
    # a name that is not there, and a path out of the folder, fall through to Django
    for path in ("/media/photos/00/" + "0" * 40 + ".jpg", "/media/photos/../../etc/passwd"):
        assert _wsgi_get(app, path)[0].startswith("404")
    assert len(reached) == 2
