"""The pure rules: the questionnaire's grade, the one definition of the best quote, the identity check."""

import datetime as dt

import pytest

from remarket.buyback.calc import Candidate, answers_check, answers_grade, best_quote, identity_problems, price_to_win

from .conftest import FLAWLESS

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "changes, grade",
    [
        ({}, "DIAMOND"),
        ({"body": "light"}, "PLATINUM"),
        ({"body": "visible"}, "GOLD"),
        ({"battery": "worn"}, "GOLD"),
        ({"screen": "scratched"}, "SILVER"),
        ({"body": "heavy"}, "SILVER"),
        ({"screen": "cracked"}, "BRONZE"),
        ({"screen": "cracked", "body": "heavy"}, "BRONZE"),
        ({"turns_on": "no"}, "STALLONE"),
        ({"functional": "no", "screen": "flawless"}, "STALLONE"),
    ],
)
def test_the_questionnaire_maps_to_a_trade_in_grade(changes, grade):
    assert answers_grade(answers_check({**FLAWLESS, **changes})) == grade


def test_an_answer_off_the_list_or_missing_is_no_answer():
    assert answers_check({**FLAWLESS, "screen": "shattered"}) == {}
    assert answers_check({k: v for k, v in FLAWLESS.items() if k != "battery"}) == {}
    assert answers_check({**FLAWLESS, "screen": " Flawless "}) == FLAWLESS


def test_the_best_quote_is_the_highest_price_then_the_first_offered_then_the_oldest_listing():
    a = Candidate(1, 10, 15000, T0 + dt.timedelta(hours=2))
    b = Candidate(2, 11, 15000, T0 + dt.timedelta(hours=1))
    c = Candidate(3, 12, 14000, T0)
    d = Candidate(4, 13, 0, T0)  # offline
    assert best_quote([a, b, c, d]) == b
    assert best_quote([a, c]) == a
    e = Candidate(0, 14, 15000, T0 + dt.timedelta(hours=1))
    assert best_quote([a, b, e]) == e
    assert best_quote([d]) is None
    assert best_quote([]) is None


def test_price_to_win_is_one_unit_above_the_best_other_or_the_own_price_when_winning():
    assert price_to_win(10000, [12000, 9000]) == 12001
    assert price_to_win(13000, [12000]) == 13000
    assert price_to_win(12000, [12000]) == 12001
    assert price_to_win(5000, [0]) == 5000


def _problems(**over):
    values = dict(
        first_name="Camille",
        last_name="Durand",
        birth_date=dt.date(1988, 4, 12),
        address={"street": "1 rue X", "postcode": "75002", "town": "Paris", "country": "FR"},
        market_code="FR",
        today=dt.date(2026, 11, 2),
    )
    values.update(over)
    return identity_problems(**values)


def test_an_identity_passes_with_letters_an_adult_and_an_address_of_the_market():
    assert _problems() == []
    assert _problems(first_name="Jean-Éloïse", last_name="O'Neill") == []


@pytest.mark.parametrize(
    "over, problem",
    [
        ({"first_name": ""}, "first_name_invalid"),
        ({"last_name": "R2D2"}, "last_name_invalid"),
        ({"birth_date": None}, "birth_date_missing"),
        ({"birth_date": dt.date(2008, 11, 3)}, "under_age"),
        ({"birth_date": dt.date(1890, 1, 1)}, "birth_date_invalid"),
        ({"address": {"street": "", "postcode": "75002", "town": "Paris", "country": "FR"}}, "street_missing"),
        ({"address": {"street": "1 rue X", "postcode": "75002", "town": "", "country": "FR"}}, "town_missing"),
        ({"address": {"street": "1 rue X", "postcode": "7500", "town": "Paris", "country": "FR"}}, "postcode_invalid"),
        (
            {"address": {"street": "1 rue X", "postcode": "75002", "town": "Paris", "country": "DE"}},
            "country_not_market",
        ),
    ],
)
def test_each_identity_rule_fails_on_its_own(over, problem):
    assert _problems(**over) == [problem]


def test_eighteen_today_is_an_adult():
    assert _problems(birth_date=dt.date(2008, 11, 2)) == []
