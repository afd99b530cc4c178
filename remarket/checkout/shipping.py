"""Shipping per merchant sub-order, from the options of its lines' market terms (pure functions).

A sub-order ships as one parcel with a carrier every line offers, at the highest of the lines' prices for that
carrier and the longest delay. A line without options ships free with "Standard" in 3 days. When the lines
share no carrier, each line goes with its own cheapest option, as "Several parcels", at the sum of the prices."""

from dataclasses import dataclass

from remarket.core.errors import DomainError

STANDARD = ("Standard", 0, 3)
SEVERAL = "Several parcels"


@dataclass(frozen=True)
class Choice:
    carrier: str
    price_minor: int
    delay_days: int


def suborder_options(line_options: list[list[tuple[str, int, int]]]) -> list[Choice]:
    """The choices for one sub-order, cheapest first. `line_options`: per line, its (carrier, price, delay)."""
    per_line = [opts or [STANDARD] for opts in line_options]
    common = set.intersection(*({c for c, _, _ in opts} for opts in per_line)) if per_line else set()
    if common:
        choices = [
            Choice(
                c,
                max(p for opts in per_line for cc, p, _ in opts if cc == c),
                max(d for opts in per_line for cc, _, d in opts if cc == c),
            )
            for c in common
        ]
    else:
        cheapest = [min(opts, key=lambda o: (o[1], o[2])) for opts in per_line]
        choices = [Choice(SEVERAL, sum(p for _, p, _ in cheapest), max(d for _, _, d in cheapest))]
    return sorted(choices, key=lambda c: (c.price_minor, c.delay_days, c.carrier))


def shipping_pick(options: list[Choice], wanted: str | None) -> Choice:
    if not wanted:
        return options[0]
    for option in options:
        if option.carrier.lower() == wanted.strip().lower():
            return option
    raise DomainError(
        "CHECKOUT_SHIPPING_UNKNOWN",
        f"{wanted!r} is not a shipping option here; choose one of {', '.join(o.carrier for o in options)}.",
    )
