"""Returns and warranty claims feed the merchant's quality: its defect rate and response time, so its score, its
sanction and the score of its offers (the best offer)."""

import datetime as dt

import pytest

from remarket.aftersales import claims
from remarket.aftersales.jobs import merchant_quality_refresh, merchant_rates
from remarket.core import clock
from remarket.merchants.models import MerchantMetrics
from remarket.merchants.quality import Rates, quality_score, response_penalty, sanction_for
from remarket.offers.best import scores_refresh
from remarket.offers.models import ListingMarket

from ..factories import MerchantFactory
from .conftest import fr_offer, merchant_of, open_claim, open_return, sell_and_ship

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("hours", "penalty"), [(None, 0), (10, 0), (48, 0), (71.9, 0), (72, 2), (120, 6), (500, 10)])
def test_response_time_costs_two_points_a_day_beyond_two_days(hours, penalty):
    assert response_penalty(hours) == penalty
    assert quality_score(Rates(50, 0, 0, defect_rate_bp=None, response_hours=hours)) == 100 - penalty


def test_the_defect_rate_counts_in_the_score_and_the_sanctions():
    assert quality_score(Rates(50, 0, 0, defect_rate_bp=1000, response_hours=96)) == 86  # 100 − 10 − 4
    assert sanction_for(Rates(50, 0, 0, defect_rate_bp=800)) == "limited"
    assert sanction_for(Rates(50, 0, 0, defect_rate_bp=1200)) == "suspended"


def test_returns_and_claims_make_the_defect_rate_and_the_response_time(marketplace, customer, customer_actor):
    merchant = MerchantFactory(country="FR")
    listing = fr_offer(marketplace, merchant=merchant)
    subs = [sell_and_ship(marketplace, customer, listing) for _ in range(4)]
    open_return(customer_actor, subs[0], at=dt.datetime(2026, 10, 12, 9, 0, tzinfo=dt.UTC))
    cancelled = open_return(customer_actor, subs[1], at=dt.datetime(2026, 10, 12, 9, 0, tzinfo=dt.UTC))
    from remarket.aftersales import services

    with clock.frozen(dt.datetime(2026, 10, 12, 10, 0, tzinfo=dt.UTC)):
        services.return_cancel(actor=customer_actor, public_id=cancelled.public_id)  # a cancelled return is no defect
    at = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    answered = open_claim(customer_actor, subs[2], at=at)
    with clock.frozen(at + dt.timedelta(hours=80)):
        claims.claim_answer(actor=merchant_of(subs[2]), claim_id=answered.pk, resolution="repair")
    unanswered = open_claim(customer_actor, subs[3], at=at + dt.timedelta(hours=100))
    now = at + dt.timedelta(hours=120)
    rates = merchant_rates(merchant_id=merchant.pk, now=now)
    assert (rates.orders, rates.defect_rate_bp) == (4, 7500)  # 3 of 4 shipped lines came back or are claimed
    assert rates.response_hours == 50.0  # (80 + 20) / 2: the unanswered claim counts until now
    assert unanswered.answered_at is None


def test_the_quality_review_refreshes_the_score_and_the_offers(marketplace, customer, customer_actor):
    merchant = MerchantFactory(country="FR")
    listing = fr_offer(marketplace, merchant=merchant)
    sold = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)  # inside the 90 days before the review
    subs = [sell_and_ship(marketplace, customer, listing, at=sold) for _ in range(2)]
    claim = open_claim(customer_actor, subs[0], at=dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC))
    with clock.frozen(dt.datetime(2027, 1, 30, 9, 0, tzinfo=dt.UTC)):
        term = ListingMarket.objects.get(listing=listing)
        scores_refresh(term_ids=[term.pk])  # as a price write leaves it, at quality 100
        score_before = ListingMarket.objects.get(pk=term.pk).score
        assert score_before > 0
        assert merchant_quality_refresh(merchant=merchant) is True
    merchant.refresh_from_db()
    metrics = MerchantMetrics.objects.get(merchant=merchant)
    assert claim.state == "open"
    # 1 of 2 lines claimed (50 %), and an unanswered claim of 60 days: 100 − 50 − 10
    assert (metrics.defect_rate_bp, metrics.response_hours, metrics.quality_score) == (5000, 1440.0, 40)
    assert merchant.quality_score == 40
    assert ListingMarket.objects.get(listing=listing).score < score_before


def test_the_merchants_quality_page_shows_defects_and_response_time(marketplace, customer, customer_actor):
    from django.test import Client

    from remarket.accounts.models import Role

    from ..factories import UserFactory

    merchant = MerchantFactory(country="FR")
    sold = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
    sub = sell_and_ship(marketplace, customer, fr_offer(marketplace, merchant=merchant), at=sold)
    open_claim(customer_actor, sub, at=dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC))
    with clock.frozen(dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC)):
        merchant_quality_refresh(merchant=merchant)
    client = Client()
    client.force_login(UserFactory(role=Role.MERCHANT, merchant=merchant, language="en"))
    page = client.get("/merchant/quality/").content.decode()
    assert "100.00\xa0%" in page and '<td class="num" data-response>72 h</td>' in page


def test_the_operators_quality_page_shows_defects_and_response_time(marketplace, customer, customer_actor):
    from django.test import Client

    from remarket.accounts.models import Role

    from ..factories import UserFactory

    merchant = MerchantFactory(country="FR")
    sub = sell_and_ship(
        marketplace,
        customer,
        fr_offer(marketplace, merchant=merchant),
        at=dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC),
    )
    open_claim(customer_actor, sub, at=dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC))
    with clock.frozen(dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)):
        merchant_quality_refresh(merchant=merchant)
    client = Client()
    client.force_login(UserFactory(role=Role.OPERATOR))
    page = client.get("/ops/quality/").content.decode()
    row = page[page.index(f'data-merchant="{merchant.pk}"') :]
    assert '<td class="num" data-defects>100.00\xa0%</td>' in row and '<td class="num" data-response>48 h</td>' in row
