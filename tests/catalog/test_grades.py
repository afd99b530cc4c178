import pytest

from remarket.catalog.grades import Grade, grade_parse, legacy_state, line_condition
from remarket.core.errors import DomainError


def test_grades_map_to_the_contract_codes():
    assert [legacy_state(g) for g in ("PREMIUM", "EXCELLENT", "VERY_GOOD", "GOOD", "FAIR")] == [9, 0, 1, 2, 3]
    assert [line_condition(g) for g in ("PREMIUM", "EXCELLENT", "GOOD", "FAIR")] == [9, 10, 11, 12]
    assert grade_parse(" excellent ") == Grade.EXCELLENT


@pytest.mark.parametrize(
    "value, code",
    [
        (2, "CATALOG_GRADE_NUMERIC"),
        ("3", "CATALOG_GRADE_NUMERIC"),
        ("STALLONE", "CATALOG_GRADE_STALLONE"),
        ("MINT", "CATALOG_GRADE_UNKNOWN"),
    ],
)
def test_bad_grades_are_refused_with_a_clear_code(value, code):
    with pytest.raises(DomainError) as err:
        grade_parse(value)
    assert err.value.code == code
