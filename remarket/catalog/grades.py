"""The aesthetic grade scale and its one mapping to the seller contract's legacy codes.

Grades describe looks only: every device works fully, battery at ≥ 80 % of its capacity;
Premium has genuine parts. STALLONE exists in the contract but is refused here."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from remarket.core.errors import DomainError


class Grade(models.TextChoices):
    PREMIUM = "PREMIUM", _("Premium")
    EXCELLENT = "EXCELLENT", _("Excellent")
    VERY_GOOD = "VERY_GOOD", _("Very good")
    GOOD = "GOOD", _("Good")
    FAIR = "FAIR", _("Fair")


# grade → (legacy listing `state`, order-line `condition`); VERY_GOOD has no order-line code of its own.
CONTRACT_CODES: dict[str, tuple[int, int]] = {
    Grade.PREMIUM: (9, 9),
    Grade.EXCELLENT: (0, 10),
    Grade.VERY_GOOD: (1, 10),
    Grade.GOOD: (2, 11),
    Grade.FAIR: (3, 12),
}
ORDER = [Grade.PREMIUM, Grade.EXCELLENT, Grade.VERY_GOOD, Grade.GOOD, Grade.FAIR]


def grade_parse(value: object) -> Grade:
    """A grade from text; numbers and the legacy STALLONE are refused with a clear message."""
    if not isinstance(value, str) or value.strip().lstrip("-").isdigit():
        raise DomainError(
            "CATALOG_GRADE_NUMERIC", f"Grade {value!r} is not accepted: send one of {', '.join(ORDER)} as text."
        )
    text = value.strip().upper()
    if text == "STALLONE":
        raise DomainError("CATALOG_GRADE_STALLONE", "STALLONE is not sold here: grade the device FAIR or better.")
    try:
        return Grade(text)
    except ValueError:
        raise DomainError("CATALOG_GRADE_UNKNOWN", f"Unknown grade {value!r}: use one of {', '.join(ORDER)}.") from None


def legacy_state(grade: str) -> int:
    return CONTRACT_CODES[grade][0]


def line_condition(grade: str) -> int:
    return CONTRACT_CODES[grade][1]


# What each grade looks like, as the product page explains it (the grade describes looks only).
GRADE_LOOKS = {
    Grade.PREMIUM: _(
        "Looks like new: no visible mark on the screen or the body, even up close, and genuine parts only."
    ),
    Grade.EXCELLENT: _(
        "Looks like new at arm's length: at most a few micro-scratches you see only up close. The screen has none."
    ),
    Grade.VERY_GOOD: _(
        "Light signs of use: a few fine scratches on the body, invisible once the screen is on. No dent."
    ),
    Grade.GOOD: _(
        "Visible signs of use: scratches on the body and possibly a small dent; the screen may have light "
        "scratches that do not show when it is on."
    ),
    Grade.FAIR: _(
        "Clear signs of use: scratches and dents on the body, light scratches on the screen. The lowest price "
        "for a device that works fully."
    ),
}
BATTERY_MIN_PCT = 80  # every grade: at least 80 % of the battery's original capacity
