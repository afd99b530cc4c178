"""What the trade-in pages (storefront, till) read from a form: the questionnaire's answers and an identity."""

from remarket.buyback.calc import QUESTIONS


def questions():
    """The questionnaire for a template: (name, label, [(value, label)])."""
    return [(name, label, list(options.items())) for name, (label, options) in QUESTIONS.items()]


def answers_of(post) -> dict:
    return {name: post.get(name, "")[:20] for name in QUESTIONS}


def identity_of(post) -> dict:
    return {
        "first_name": post.get("first_name", "")[:200],
        "last_name": post.get("last_name", "")[:200],
        "birth_date": post.get("birth_date", "")[:20],
        "phone": post.get("phone", "")[:40],
        "address": {
            "street": post.get("street", "")[:300],
            "postcode": post.get("postcode", "")[:20],
            "town": post.get("town", "")[:200],
            "country": post.get("country", "")[:2],
        },
    }


def quote_minor_of(post) -> int | None:
    raw = post.get("quote_minor", "")
    return int(raw) if raw.isdigit() else None
