"""A category's commission rate is kept per process (catalog selectors); the catalog's service that saves or
deletes a category forgets it, so the next checkout in this process uses the new rate at once. The Django admin
saves categories through that service."""

import pytest
from django.contrib import admin

from remarket.catalog.models import Category
from remarket.catalog.selectors import category_commission_bp
from remarket.catalog.services import category_delete, category_save

from ..factories import CategoryFactory

pytestmark = pytest.mark.django_db


def test_the_nearest_rate_up_the_tree_applies():
    phones = CategoryFactory(slug="phones", name="Phones", commission_bp=800)
    smartphones = CategoryFactory(slug="smartphones-x", name="Smartphones", parent=phones)
    orphan = CategoryFactory(slug="tablets", name="Tablets")
    assert category_commission_bp(category_id=smartphones.pk) == 800
    assert category_commission_bp(category_id=orphan.pk) is None
    assert category_commission_bp(category_id=None) is None


def test_category_save_forgets_the_kept_rates_and_a_plain_save_does_not():
    phones = CategoryFactory(slug="phones", name="Phones", commission_bp=800)
    assert category_commission_bp(category_id=phones.pk) == 800  # now kept
    Category.objects.filter(pk=phones.pk).update(commission_bp=900)
    assert category_commission_bp(category_id=phones.pk) == 800  # kept: a write elsewhere is seen within a minute
    phones.commission_bp = 1200
    category_save(category=phones)
    assert category_commission_bp(category_id=phones.pk) == 1200
    assert Category.objects.get(pk=phones.pk).commission_bp == 1200


def test_the_admin_saves_and_deletes_through_the_service():
    phones = CategoryFactory(slug="phones", name="Phones", commission_bp=800)
    child = CategoryFactory(slug="smartphones-x", name="Smartphones", parent=phones, commission_bp=500)
    assert category_commission_bp(category_id=child.pk) == 500
    model_admin = admin.site._registry[Category]
    child.commission_bp = None
    model_admin.save_model(None, child, None, True)
    assert category_commission_bp(category_id=child.pk) == 800
    model_admin.delete_model(None, child)
    assert not Category.objects.filter(pk=child.pk).exists()
    assert category_commission_bp(category_id=child.pk) is None


def test_category_delete_forgets_the_rates():
    phones = CategoryFactory(slug="phones", name="Phones", commission_bp=800)
    assert category_commission_bp(category_id=phones.pk) == 800
    category_delete(category=phones)
    assert category_commission_bp(category_id=phones.pk) is None
