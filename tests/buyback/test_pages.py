"""The trade-in pages: the storefront's questionnaire → quote → accept → follow, the merchant's queue with its
deadlines and moves, the clerk's counter page; tenancy (another's trade-in is a 404), errors with their codes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from remarket.accounts.models import User
from remarket.buyback import services
from remarket.buyback.models import TradeIn, TradeInCredit

from .conftest import FLAWLESS, IDENTITY, PNG

pytestmark = pytest.mark.django_db


def _logged(actor) -> Client:
    client = Client()
    client.force_login(User.objects.get(pk=actor.user_id))
    return client


def _identity_form():
    return {
        "first_name": IDENTITY["first_name"],
        "last_name": IDENTITY["last_name"],
        "birth_date": IDENTITY["birth_date"],
        **IDENTITY["address"],
    }


def test_the_storefront_journey(bb, marketplace):
    client = _logged(bb.customer_actor)
    page = client.get("/fr/trade-in/")
    assert page.status_code == 200 and str(bb.variant) in page.content.decode()
    assert "Vendez votre appareil" in page.content.decode()  # the French site speaks French
    quote = client.post("/fr/trade-in/", {"variant_id": bb.variant.pk, **FLAWLESS})
    assert 'data-quote="30000"' in quote.content.decode()
    accepted = client.post(
        "/fr/trade-in/accept/", {"variant_id": bb.variant.pk, "quote_minor": "30000", **FLAWLESS, **_identity_form()}
    )
    t = TradeIn.objects.get()
    assert accepted.status_code == 302 and accepted["Location"] == f"/fr/trade-in/{t.reference}/"
    follow = client.get(accepted["Location"]).content.decode()
    assert 'data-status="TO_SEND"' in follow and t.label_reference in follow
    client.post(f"/fr/trade-in/{t.reference}/ship/", {"tracking_number": "X1"})
    assert TradeIn.objects.get().status == "SENT"
    services.tradein_receive(actor=bb.merchant_actor, reference=t.reference)
    services.tradein_counter_offer(
        actor=bb.merchant_actor,
        reference=t.reference,
        price_minor=25000,
        reasons=["body_dented"],
        files=[("a.png", PNG)],
    )
    assert 'data-counter="25000"' in client.get(f"/fr/trade-in/{t.reference}/").content.decode()
    client.post(f"/fr/trade-in/{t.reference}/accept-counter-offer/")
    assert (TradeIn.objects.get().status, TradeIn.objects.get().paid_minor) == ("PAID", 25000)


def test_storefront_refusals_and_tenancy(bb, marketplace):
    client = _logged(bb.customer_actor)
    nobody = client.post("/fr/trade-in/", {"variant_id": bb.variant.pk, **FLAWLESS, "screen": "cracked"})
    assert nobody.status_code == 422 and 'data-error="BUYBACK_NO_BUYER"' in nobody.content.decode()
    failed = client.post(
        "/fr/trade-in/accept/",
        {"variant_id": bb.variant.pk, **FLAWLESS, **_identity_form(), "birth_date": "2015-01-01"},
    )
    t = TradeIn.objects.get()
    assert t.status == "PENDING" and "data-identity-failed" in client.get(failed["Location"]).content.decode()
    stranger = _logged(bb.other_customer_actor)
    assert stranger.get(f"/fr/trade-in/{t.reference}/").status_code == 404
    assert stranger.post(f"/fr/trade-in/{t.reference}/cancel/").status_code == 404
    assert TradeIn.objects.get().status == "PENDING"
    anonymous = Client().post("/fr/trade-in/accept/", {"variant_id": bb.variant.pk, **FLAWLESS})
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_the_merchant_queue_and_its_moves(bb, marketplace):
    customer = bb.customer_actor
    t = services.tradein_accept(
        actor=customer, market=marketplace.fr, variant_id=bb.variant.pk, answers=FLAWLESS, identity=IDENTITY
    )
    shop = _logged(bb.merchant_actor)
    page = shop.get("/merchant/trade-ins/").content.decode()
    assert f'data-tradein="{t.reference}"' in page and t.ship_by.strftime("%Y-%m-%d") in page
    shop.post(f"/merchant/trade-ins/{t.reference}/receive/")
    above = shop.post(
        f"/merchant/trade-ins/{t.reference}/counter-offer/",
        {"price": "400", "currency": "EUR", "reasons": ["body_dented"], "files": [SimpleUploadedFile("a.png", PNG)]},
        follow=True,
    )
    assert "BUYBACK_COUNTER_ABOVE_QUOTE" in above.content.decode()
    assert TradeIn.objects.get().status == "RECEIVED"
    shop.post(
        f"/merchant/trade-ins/{t.reference}/counter-offer/",
        {"price": "250", "currency": "EUR", "reasons": ["body_dented"], "files": [SimpleUploadedFile("a.png", PNG)]},
    )
    t.refresh_from_db()
    assert (t.status, t.counter_minor) == ("COUNTER_PROPOSAL", 25000)
    photo = t.files.get()
    assert shop.get(f"/merchant/trade-ins/files/{photo.pk}").content == PNG
    rival = _logged(bb.rival_actor)
    assert f'data-tradein="{t.reference}"' not in rival.get("/merchant/trade-ins/").content.decode()
    assert rival.get(f"/merchant/trade-ins/files/{photo.pk}").status_code == 404
    assert rival.post(f"/merchant/trade-ins/{t.reference}/validate/").status_code == 404


def test_the_counter_page_makes_a_credit(bb, marketplace, corner):
    location, clerk = corner
    till = _logged(clerk)
    page = till.get("/pos/trade-in/")
    assert page.status_code == 200 and str(bb.variant) in page.content.decode()
    quote = till.post("/pos/trade-in/quote/", {"variant_id": bb.variant.pk, **FLAWLESS})
    assert 'data-quote="30000"' in quote.content.decode()
    taken = till.post(
        "/pos/trade-in/take/", {"variant_id": bb.variant.pk, "quote_minor": "30000", **FLAWLESS, **_identity_form()}
    )
    credit = TradeInCredit.objects.get()
    assert f'data-credit="{credit.code}"' in taken.content.decode()
    assert (credit.amount_minor, credit.location_id) == (30000, location.pk)
    online = services.tradein_accept(
        actor=bb.customer_actor, market=marketplace.fr, variant_id=bb.variant.pk, answers=FLAWLESS, identity=IDENTITY
    )
    till.post("/pos/trade-in/hand-in/", {"reference": online.reference})
    assert TradeIn.objects.get(pk=online.pk).status == "SENT"
