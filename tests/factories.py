"""factory_boy factories for the domain models. Markets and channels come from `marketplace`."""

import datetime as dt

import factory

from remarket.accounts.models import Role, User
from remarket.catalog.models import Category, ProductModel, Variant
from remarket.merchants.models import Merchant
from remarket.offers.models import Listing, ListingMarket
from remarket.offers.summaries import summaries_refresh

NOW = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    slug = "smartphones"
    name = "Smartphones"
    impact_key = "smartphone"


class ProductModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductModel

    category = factory.SubFactory(CategoryFactory)
    brand = "Apple"
    name = factory.Sequence(lambda n: f"iPhone {13 + n}")
    slug = factory.Sequence(lambda n: f"iphone-{13 + n}")
    release_year = 2023


class VariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Variant

    model = factory.SubFactory(ProductModelFactory)
    storage_gb = 128
    colour = factory.Sequence(lambda n: f"Colour {n}")


class MerchantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Merchant

    name = factory.Sequence(lambda n: f"Refurb Works {n}")
    slug = factory.Sequence(lambda n: f"refurb-works-{n}")
    country = "FR"
    status = Merchant.Status.ACTIVE
    created_at = NOW


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    role = Role.CUSTOMER
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class _KeepsSummaries:
    """Offers written straight to their tables here, as listings_apply would keep them: the product page's
    grade summaries (offers/summaries.py) follow."""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        obj = super()._create(model_class, *args, **kwargs)
        variant_id = obj.variant_id if isinstance(obj, Listing) else obj.listing.variant_id
        summaries_refresh(variant_ids=[variant_id])
        return obj


class ListingFactory(_KeepsSummaries, factory.django.DjangoModelFactory):
    class Meta:
        model = Listing

    merchant = factory.SubFactory(MerchantFactory)
    variant = factory.SubFactory(VariantFactory)
    grade = "EXCELLENT"
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    quantity = 5
    updated_at = NOW


class ListingMarketFactory(_KeepsSummaries, factory.django.DjangoModelFactory):
    class Meta:
        model = ListingMarket

    listing = factory.SubFactory(ListingFactory)
    currency = factory.LazyAttribute(lambda t: t.market.currency)
    price_minor = 49900
    min_price_minor = 45000
    published = True
