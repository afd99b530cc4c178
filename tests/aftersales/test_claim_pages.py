"""The claim pages: the customer's order offers help beside return while under warranty, the customer opens and
follows a claim and writes to it; the merchant's queue shows deadlines and answers; the operator's escalation
queue decides; nobody else sees them."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from remarket.accounts.models import Role
from remarket.aftersales.claims import claims_escalate_due
from remarket.aftersales.models import ClaimMessage, WarrantyClaim
from remarket.core import clock

from ..factories import MerchantFactory, UserFactory
from .conftest import CLAIM_AT, PNG, open_claim

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_order_page_offers_help_under_warranty(customer, shipped):
    client = logged_in(customer)
    url = f"/fr/orders/{shipped.order.public_id}/"
    with clock.frozen(CLAIM_AT):
        page = client.get(url).content.decode()
    assert "Aide : un problème avec un article" in page and "sous garantie jusqu'au 8 octobre 2027" in page
    with clock.frozen(dt.datetime(2027, 10, 9, 8, 0, tzinfo=dt.UTC)):
        assert "data-claim-offer" not in client.get(url).content.decode()


def test_the_customer_opens_follows_and_writes(customer, shipped):
    client = logged_in(customer)
    line = shipped.lines.get()
    url = f"/fr/orders/{shipped.order.public_id}/help/{shipped.pk}/"
    with clock.frozen(CLAIM_AT):
        assert client.get(url).status_code == 200
        response = client.post(
            url,
            {
                "line": line.pk,
                "issue": "screen",
                "problem": "Lignes vertes sur l’écran",
                "photos": [SimpleUploadedFile("p.png", PNG, content_type="image/png")],
            },
        )
    claim = WarrantyClaim.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/fr/claims/{claim.public_id}/"
    with clock.frozen(CLAIM_AT):
        page = client.get(response["Location"]).content.decode()
    assert 'data-claim-state="open"' in page and "Lignes vertes sur l’écran" in page
    assert "Le vendeur répond avant le 3 février 2027" in page
    attachment = claim.attachments.get()
    photo = client.get(f"/fr/claims/{claim.public_id}/attachments/{attachment.pk}/")
    assert (photo.status_code, photo["Content-Type"], photo.content) == (200, "image/png", PNG)
    with clock.frozen(CLAIM_AT + dt.timedelta(hours=1)):
        assert client.post(f"/fr/claims/{claim.public_id}/message/", {"body": "Et aussi le son"}).status_code == 302
    assert list(claim.messages.values_list("author", flat=True)) == ["customer", "customer"]
    with clock.frozen(CLAIM_AT + dt.timedelta(hours=1)):
        refused = client.post(f"/fr/claims/{claim.public_id}/dispute/", {"body": "Non"})
    assert refused.status_code == 409 and 'data-error="AFTERSALES_CLAIM_NOT_DISPUTABLE"' in refused.content.decode()


def test_a_claim_after_the_warranty_says_why(customer, shipped):
    line = shipped.lines.get()
    with clock.frozen(dt.datetime(2027, 10, 9, 8, 0, tzinfo=dt.UTC)):
        response = logged_in(customer).post(
            f"/fr/orders/{shipped.order.public_id}/help/{shipped.pk}/",
            {"line": line.pk, "issue": "battery", "problem": "Vide"},
        )
    assert response.status_code == 409 and 'data-error="AFTERSALES_WARRANTY_EXPIRED"' in response.content.decode()
    assert not WarrantyClaim.objects.exists()


def test_another_customer_sees_no_claim(customer_actor, shipped):
    claim = open_claim(customer_actor, shipped)
    stranger = logged_in(UserFactory(role=Role.CUSTOMER))
    with clock.frozen(CLAIM_AT):
        assert stranger.get(f"/fr/claims/{claim.public_id}/").status_code == 404
        assert stranger.post(f"/fr/claims/{claim.public_id}/message/", {"body": "x"}).status_code == 404
        assert stranger.get(f"/fr/orders/{shipped.order.public_id}/help/{shipped.pk}/").status_code == 404
    assert ClaimMessage.objects.count() == 1


def test_the_merchant_queue_and_answer(customer_actor, shipped):
    claim = open_claim(customer_actor, shipped)
    staff = logged_in(UserFactory(role=Role.MERCHANT, merchant=shipped.merchant))
    rival = logged_in(UserFactory(role=Role.MERCHANT, merchant=MerchantFactory()))
    with clock.frozen(CLAIM_AT):
        queue = staff.get("/merchant/claims/").content.decode()
        assert f'data-claim="{claim.pk}"' in queue and "2027-02-03 11:00" in queue  # the merchant's time: Paris
        assert f'data-claim="{claim.pk}"' not in rival.get("/merchant/claims/").content.decode()
        assert rival.get(f"/merchant/claims/{claim.pk}/").status_code == 404
        assert rival.post(f"/merchant/claims/{claim.pk}/answer/", {"resolution": "refund"}).status_code == 404
        page = staff.get(f"/merchant/claims/{claim.pk}/").content.decode()
        assert "The battery dies within an hour." in page
        response = staff.post(f"/merchant/claims/{claim.pk}/answer/", {"resolution": "repair"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.state == "repairing"
    with clock.frozen(CLAIM_AT + dt.timedelta(days=1)):
        staff.post(
            f"/merchant/claims/{claim.pk}/transfer/", {"carrier": "DHL", "tracking_number": "JJD1", "action": "REPAIR"}
        )
    claim.refresh_from_db()
    assert claim.state == "repaired"


def test_the_operators_escalation_queue_decides(customer_actor, shipped):
    claim = open_claim(customer_actor, shipped)
    with clock.frozen(claim.deadline_at):
        claims_escalate_due()
    operator = logged_in(UserFactory(role=Role.OPERATOR))
    with clock.frozen(claim.deadline_at):
        queue = operator.get("/ops/claims/").content.decode()
        assert f'data-claim="{claim.pk}"' in queue and "The seller's deadline passed" in queue.replace("&#x27;", "'")
        assert (
            logged_in(UserFactory(role=Role.MERCHANT, merchant=shipped.merchant)).get("/ops/claims/").status_code == 403
        )
        response = operator.post(f"/ops/claims/{claim.pk}/decide/", {"resolution": "refuse", "reason": "Usure normale"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.state, claim.decided_by, claim.refusal_reason) == ("refused", "operator", "Usure normale")
