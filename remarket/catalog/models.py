import uuid

from django.db import models
from django.db.models import Q


class Category(models.Model):
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100)
    impact_key = models.CharField(max_length=40, blank=True)  # which impact factor applies (smartphone, laptop...)
    # the operator's commission on this category and those under it, unless a merchant has its own rate
    commission_bp = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class ProductModel(models.Model):
    """A device model as the maker sells it: iPhone 15, Galaxy S24, MacBook Air 13" M2."""

    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="models")
    brand = models.CharField(max_length=60)
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    release_year = models.PositiveSmallIntegerField(null=True, blank=True)
    specs = models.JSONField(default=dict, blank=True)
    # the maker's price new, in minor units per currency ({"EUR": 122900}): the product page's "price against new"
    new_prices = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"{self.brand} {self.name}"


def variant_label(storage_gb: int | None, colour: str) -> str:
    """ "256 GB · Black Titanium": how a variant is named beside its model."""
    parts = []
    if storage_gb:
        parts.append(f"{storage_gb // 1024} TB" if storage_gb >= 1024 else f"{storage_gb} GB")
    if colour:
        parts.append(colour)
    return " · ".join(parts)


class Variant(models.Model):
    """One sellable configuration of a model: storage and colour."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)  # the contract's product_id
    model = models.ForeignKey(ProductModel, on_delete=models.PROTECT, related_name="variants")
    storage_gb = models.PositiveIntegerField(null=True, blank=True)
    colour = models.CharField(max_length=40, blank=True)
    ean = models.CharField(max_length=14, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["model", "storage_gb", "colour"], name="variant_unique"),
            models.CheckConstraint(
                condition=Q(storage_gb__isnull=True) | Q(storage_gb__gt=0), name="variant_storage_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model} {self.label}".strip()

    @property
    def label(self) -> str:
        return variant_label(self.storage_gb, self.colour)


class ProductImage(models.Model):
    """A picture of a model, of one colour (blank: any colour), shown in the product page's gallery. The files
    are thumbnails written by catalog/images.py under MEDIA_ROOT with content-hashed names, so they never
    change and are served with a year-long cache; `files` maps "<width>.<format>" to each stored name."""

    class Kind(models.TextChoices):
        PHOTO = "photo", "photo"
        ILLUSTRATION = "illustration", "illustration"  # drawn by code, said so on the page

    model = models.ForeignKey(ProductModel, on_delete=models.CASCADE, related_name="images")
    colour = models.CharField(max_length=40, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.PHOTO)
    alt = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64)  # of the uploaded bytes: the same file twice is one image
    width = models.PositiveIntegerField()  # of the largest thumbnail
    height = models.PositiveIntegerField()
    files = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["model", "colour", "sha256"], name="product_image_once"),
        ]
        indexes = [models.Index(fields=["model", "colour", "position"], name="product_image_gallery")]

    def __str__(self) -> str:
        return f"{self.model_id} {self.colour or '*'} #{self.position}"
