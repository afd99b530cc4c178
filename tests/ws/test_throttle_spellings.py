"""The /ws/ rate limit counts per token, whatever spelling of the Authorization header carries it."""

import base64
import datetime as dt

import pytest

from remarket.core import clock

pytestmark = pytest.mark.django_db


def test_every_spelling_of_one_token_counts_against_that_token(seller, rival, listing, settings):
    settings.WS_RATE_LIMIT = (5, 10)
    t = seller.token
    spellings = [
        f"Basic {t}",
        f"basic {t}",
        f"BASIC   {t}  ",
        f"Basic {base64.b64encode(f'm:{t}'.encode()).decode()}",
        f"Basic {base64.b64encode(f':{t}'.encode()).decode()}",
        f"Basic {base64.b64encode(f'{t}:'.encode()).decode()}",
        f"  Basic {t}",
    ]
    with clock.frozen(dt.datetime(2026, 11, 2, 10, 0, 0, tzinfo=dt.UTC)):
        answers = [
            seller.client.get("/ws/listings", HTTP_AUTHORIZATION=s, HTTP_ACCEPT_LANGUAGE="fr-fr") for s in spellings
        ]
        assert [a.status_code for a in answers] == [200] * 5 + [429] * 2
        assert [a["Retry-After"] for a in answers[5:]] == ["10", "10"]
        assert rival.get("/ws/listings").status_code == 200  # another token counts alone
