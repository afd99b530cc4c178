"""The pure rules of trade-in: the questionnaire's grade, the best quote, the identity check, the deadlines."""

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import Grade

SHIP_WITHIN = dt.timedelta(days=21)  # the customer sends the device within 21 days of accepting
ANSWER_WITHIN = dt.timedelta(days=7)  # a counter-offer unanswered for 7 days: the device comes back, free
REPLY_WITHIN = dt.timedelta(days=5)  # the merchant inspects a received device within 5 days
ADULT_AGE = 18

# The questionnaire: each question, its answers, for people.
QUESTIONS = {
    "turns_on": (_("Does it turn on?"), {"yes": _("Yes"), "no": _("No")}),
    "functional": (
        _("Does everything work (touch screen, buttons, cameras, sound, network)?"),
        {"yes": _("Yes, everything works"), "no": _("No, something does not work")},
    ),
    "screen": (
        _("The screen"),
        {"flawless": _("Flawless"), "scratched": _("Visible scratches"), "cracked": _("Cracked")},
    ),
    "body": (
        _("The body"),
        {
            "flawless": _("Flawless"),
            "light": _("Light wear, invisible at arm's length"),
            "visible": _("Visible scratches"),
            "heavy": _("Dents or deep scratches"),
        },
    ),
    "battery": (
        _("The battery"),
        {"good": _("Holds a day (80 % of its capacity or more)"), "worn": _("Worn (less than 80 %)")},
    ),
}


def answers_check(answers: dict) -> dict[str, str]:
    """The questionnaire's answers, each one of its question's; None if a question is unanswered or answered
    off the list (the caller refuses it with the names)."""
    clean = {}
    for name, (_label, options) in QUESTIONS.items():
        value = str((answers or {}).get(name, "")).strip().lower()
        if value not in options:
            return {}
        clean[name] = value
    return clean


def answers_grade(answers: dict[str, str]) -> str:
    """The trade-in grade a device's answers earn: a device that does not turn on or work is STALLONE whatever
    it looks like; then the worst of its screen, body and battery decides."""
    if answers["turns_on"] == "no" or answers["functional"] == "no":
        return Grade.STALLONE
    if answers["screen"] == "cracked":
        return Grade.BRONZE
    if answers["screen"] == "scratched" or answers["body"] == "heavy":
        return Grade.SILVER
    if answers["body"] == "visible" or answers["battery"] == "worn":
        return Grade.GOLD
    if answers["body"] == "light":
        return Grade.PLATINUM
    return Grade.DIAMOND


@dataclass(frozen=True)
class Candidate:
    listing_id: int
    merchant_id: int
    price_minor: int
    priced_at: dt.datetime


def best_quote(candidates: list[Candidate]) -> Candidate | None:
    """The one definition of "best": the highest price for the customer; between equal prices, the one offered
    first (its price set earliest), then the oldest listing. Offline prices (0) never win."""
    online = [c for c in candidates if c.price_minor > 0]
    if not online:
        return None
    return min(online, key=lambda c: (-c.price_minor, c.priced_at, c.listing_id))


def price_to_win(own_minor: int, others: list[int]) -> int:
    """What a buy-back listing must pay to be the best: one minor unit above the best other price, or its own
    price when it wins already."""
    best_other = max((p for p in others if p > 0), default=0)
    return own_minor if own_minor > best_other else best_other + 1


NAME = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ '\-.])*$")
POSTCODES = {
    "FR": r"\d{5}",
    "DE": r"\d{5}",
    "ES": r"\d{5}",
    "IT": r"\d{5}",
    "US": r"\d{5}(-\d{4})?",
    "GB": r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}",
}


def identity_problems(
    *, first_name: str, last_name: str, birth_date: dt.date | None, address: dict, market_code: str, today: dt.date
) -> list[str]:
    """Why an identity fails the check (empty: it passes): names made of letters, an adult of at most 120
    years, and an address in the market's country with a street, a town and a postcode of its format."""
    problems = []
    for field, value in (("first_name", first_name), ("last_name", last_name)):
        value = (value or "").strip()
        if not value or len(value) > 100 or not NAME.match(value):
            problems.append(f"{field}_invalid")
    if birth_date is None:
        problems.append("birth_date_missing")
    else:
        age = today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))
        if age < ADULT_AGE:
            problems.append("under_age")
        elif age > 120:
            problems.append("birth_date_invalid")
    address = address or {}
    street, town = str(address.get("street", "")).strip(), str(address.get("town", "")).strip()
    postcode = str(address.get("postcode", "")).strip().upper()
    country = str(address.get("country", "")).strip().upper()
    if not street or len(street) > 200:
        problems.append("street_missing")
    if not town or len(town) > 100:
        problems.append("town_missing")
    if country != market_code:
        problems.append("country_not_market")
    pattern = POSTCODES.get(market_code, r"[A-Z0-9 \-]{3,10}")
    if not re.fullmatch(pattern, postcode):
        problems.append("postcode_invalid")
    return problems


REFERENCE = re.compile(r"[A-Z]{2}-\d{5}-[A-Z]{5}")  # services._reference's shape: FR-48213-KXQPD


def reference_lookup(value: object) -> str:
    """What to look a trade-in up by: the reference given, or "" (which names none) when it cannot be one — so a
    path carrying a NUL byte or any other junk is a plain not-found, never a database error."""
    text = str(value)
    return text if REFERENCE.fullmatch(text) else ""
