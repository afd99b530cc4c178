"""Avoided emissions and e-waste of one refurbished device, against the new one it replaces.

    avoided_kg = E_new × (L_second / L_first) − E_refurb

E_new is ADEME's footprint of a new device of the category (manufacturing + distribution + end of
life, from the shipped Impact CO2 data); E_refurb is ADEME's 2022 refurbishment footprint (7.35 kg for a
smartphone; other categories scale it by their E_new, which the source flags as our estimate);
lifetimes are ADEME's (3 then 2 years for phones and tablets, 5 then 3 for computers). E-waste avoided
is ADEME's 175 g indicator for a smartphone; categories without a source claim nothing."""

import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "ademe-impactco2-numerique.json"
SMARTPHONE_REFURB_KG = Decimal("7.35")
UNCERTAINTY = Decimal("0.25")  # shown as a ± range around every estimate

# impact key → (ADEME slug, first life, second life, e-waste avoided in grams or None)
CATEGORIES = {
    "smartphone": ("smartphone", 3, 2, 175),
    "tablet": ("tabletteclassique", 3, 2, None),
    "laptop": ("ordinateurportable", 5, 3, None),
    "desktop": ("ordinateurfixeparticulier", 5, 3, None),
}
SOURCE = (
    "ADEME 2022, Évaluation de l'impact environnemental d'un ensemble de produits reconditionnés; "
    "ADEME Impact CO2 data (MIT, Datagir)"
)


@dataclass(frozen=True)
class Factor:
    key: str
    e_new_kg: Decimal
    e_refurb_kg: Decimal
    first_life_years: int
    second_life_years: int
    ewaste_g: int | None
    refurb_estimated: bool

    @property
    def avoided_kg(self) -> Decimal:
        return self.e_new_kg * self.second_life_years / self.first_life_years - self.e_refurb_kg

    @property
    def avoided_g(self) -> int:
        return int((self.avoided_kg * 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@lru_cache(maxsize=1)
def factors() -> dict[str, Factor]:
    by_slug = {row["slug"]: row for row in json.loads(DATA.read_text(encoding="utf-8"))}
    phone = by_slug["smartphone"]
    phone_new = _footprint(phone)
    out = {}
    for key, (slug, first, second, ewaste) in CATEGORIES.items():
        e_new = _footprint(by_slug[slug])
        refurb = SMARTPHONE_REFURB_KG if key == "smartphone" else (SMARTPHONE_REFURB_KG * e_new / phone_new)
        out[key] = Factor(key, e_new, refurb.quantize(Decimal("0.01")), first, second, ewaste, key != "smartphone")
    return out


def _footprint(row: dict) -> Decimal:
    """ADEME's life-cycle steps of a new device (ecv) plus its end of life, in kg CO2e."""
    return sum((Decimal(str(step["value"])) for step in row["ecv"]), Decimal(0)) + Decimal(str(row.get("end", 0)))


def avoided_for(impact_key: str, quantity: int = 1) -> tuple[int, int]:
    """(grams CO2e, grams e-waste) avoided by `quantity` refurbished devices; (0, 0) without a source."""
    factor = factors().get(impact_key)
    if factor is None:
        return 0, 0
    return factor.avoided_g * quantity, (factor.ewaste_g or 0) * quantity


def with_range(value_g: int) -> tuple[int, int]:
    low = int(Decimal(value_g) * (1 - UNCERTAINTY))
    high = int(Decimal(value_g) * (1 + UNCERTAINTY))
    return low, high
