"""Parsing a search's parameters and its words: pure functions, no database."""

import pytest
from django.http import QueryDict

from remarket.core.errors import DomainError
from remarket.search.query import Filters, price_edges, search_args_parse
from remarket.search.text import document_text, fold, query_tokens


def parse(query: str, currency: str = "EUR") -> dict:
    return search_args_parse(QueryDict(query).getlist, currency=currency)


def test_every_parameter_parsed_and_normalised():
    args = parse(
        "q=iPhone+13&category=phones&brand=Apple&brand=Samsung&brand=Apple&model=iphone-13"
        "&grade=good&grade=EXCELLENT&storage=128&storage=256&colour=Blue&min=300&max=499.99"
        "&sort=price_desc&page=2"
    )
    assert args == {
        "q": "iPhone 13",
        "sort": "price_desc",
        "page": 2,
        "filters": Filters(
            categories=("phones",),
            brands=("Apple", "Samsung"),
            models=("iphone-13",),
            grades=("GOOD", "EXCELLENT"),
            storages=(128, 256),
            colours=("Blue",),
            min_minor=30000,
            max_minor=49999,
        ),
    }


def test_defaults_and_blank_values():
    assert parse("q=&sort=&page=&min=&brand=") == {"q": "", "sort": "relevance", "page": 1, "filters": Filters()}
    assert not Filters().active and Filters(min_minor=0).active


def test_amounts_follow_the_currency():
    assert parse("min=1500", "JPY")["filters"].min_minor == 1500
    assert parse("min=12,5")["filters"].min_minor == 1250
    assert price_edges("EUR")[:3] == [10000, 20000, 30000]
    assert price_edges("JPY")[:2] == [10000, 20000]


@pytest.mark.parametrize(
    "query, code, param",
    [
        ("sort=best", "SEARCH_SORT_UNKNOWN", "sort"),
        ("page=1001", "SEARCH_PAGE_INVALID", "page"),
        ("page=-1", "SEARCH_PAGE_INVALID", "page"),
        ("min=1e400", "SEARCH_PRICE_INVALID", "min"),
        ("max=-0.01", "SEARCH_PRICE_INVALID", "max"),
        ("max=99999999999", "SEARCH_PRICE_INVALID", "max"),
        ("min=Infinity", "SEARCH_PRICE_INVALID", "min"),
        ("min=%2B5", "SEARCH_PRICE_INVALID", "min"),
        ("min=2&max=1", "SEARCH_PRICE_RANGE", "min"),
        ("grade=MINT", "SEARCH_GRADE_UNKNOWN", "grade"),
        ("storage=1.5", "SEARCH_STORAGE_INVALID", "storage"),
        ("colour=Bl%0Aue", "SEARCH_FILTER_INVALID", "colour"),
        ("&".join(f"brand=b{i}" for i in range(21)), "SEARCH_FILTER_INVALID", "brand"),
        ("sort=price_asc&sort=newest", "SEARCH_PARAM_REPEATED", "sort"),
    ],
)
def test_refused_parameters_name_themselves(query, code, param):
    with pytest.raises(DomainError) as err:
        parse(query)
    assert (err.value.code, err.value.details, err.value.status) == (code, {"param": param}, 400)


def test_words_are_folded_and_stopwords_dropped():
    assert fold("Ÿ Crème ＡＢＣ Straße") == "y creme abc strasse"
    assert query_tokens("iPhone 13 reconditionné PAS CHER, 128Go!") == ["iphone", "13", "128go"]
    assert query_tokens("Galaxy S21+ galaxy") == ["galaxy", "s21", "plus"]
    assert query_tokens(" ".join(f"w{i}" for i in range(30))) == [f"w{i}" for i in range(10)]


def test_a_document_holds_the_words_buyers_type():
    title, body = document_text(
        brand="Apple",
        name="iPhone 13 Pro",
        slug="iphone-13-pro",
        categories=["Smartphones", "Phones"],
        release_year=2021,
        storages=[128, 1024],
        colours=["Sierra Blue"],
        specs={"screen": '6.1"', "5g": True},
    )
    assert title == "apple iphone 13 pro appleiphone iphone13 13pro"
    assert body == "smartphones phones iphone 13 pro sierra blue 128gb 128go 128 gb 1tb 1to 1 tb 1024gb 1024 2021 6"
