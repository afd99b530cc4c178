"""Avoided emissions and e-waste of one refurbished device, against the new one it replaces.

    avoided_kg = E_new × (L_second / L_first) − E_refurb

E_new is the new device's footprint (manufacturing, distribution and end of life): ADEME's figure for its
category (the shipped Impact CO2 data), or, when the model is in Boavizta's data (makers' declared footprints,
shipped unchanged), that model's own figure with the use phase taken out. E_refurb is ADEME's 2022
refurbishment footprint (7.35 kg for a smartphone; other categories scale it by their E_new, which the source
flags as our estimate). Lifetimes are ADEME's (3 then 2 years for phones and tablets, 5 then 3 for computers).
E-waste avoided is ADEME's 175 g indicator for a smartphone; categories without a source claim nothing.

The range comes from the sources, not from a flat percentage: for a category, E_new runs from the lower to the
higher of ADEME's figure and the 10th–90th percentiles of Boavizta's devices of that kind; for a model, its
Boavizta row's own error ratio (or its category's relative spread when the row gives none). E_refurb and the
lifetimes are taken as they are."""

import csv
import json
import re
import statistics
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext_lazy as _

DATA = Path(__file__).parent / "data"
ADEME = DATA / "ademe-impactco2-numerique.json"
BOAVIZTA = DATA / "boavizta-data-us.csv"
SMARTPHONE_REFURB_KG = Decimal("7.35")

# impact key → (ADEME slug, Boavizta subcategory, first life, second life, e-waste avoided in grams or None)
CATEGORIES = {
    "smartphone": ("smartphone", "Smartphone", 3, 2, 175),
    "tablet": ("tabletteclassique", "Tablet", 3, 2, None),
    "laptop": ("ordinateurportable", "Laptop", 5, 3, None),
    "desktop": ("ordinateurfixeparticulier", "Desktop", 5, 3, None),
}
LABELS = {"smartphone": _("Smartphones"), "tablet": _("Tablets"), "laptop": _("Laptops"), "desktop": _("Desktops")}
CONFIDENCE_LABELS = {"measured": _("refurbishing measured"), "estimated": _("refurbishing estimated")}
ADEME_SOURCE = (
    "ADEME 2022, Évaluation de l'impact environnemental d'un ensemble de produits reconditionnés; "
    "ADEME Impact CO2 data (MIT, Datagir)"
)
BOAVIZTA_SOURCE = "Boavizta environmental-footprint-data, makers' product carbon footprints (ODbL 1.0)"
SOURCE = f"{ADEME_SOURCE}; {BOAVIZTA_SOURCE}"


@dataclass(frozen=True)
class Factor:
    key: str  # the category's impact key
    e_new_kg: Decimal
    e_new_low_kg: Decimal
    e_new_high_kg: Decimal
    e_refurb_kg: Decimal
    first_life_years: int
    second_life_years: int
    ewaste_g: int | None
    refurb_estimated: bool  # E_refurb scaled from the smartphone's, not measured for this category
    source: str
    model: str = ""  # the Boavizta device(s) it was taken from, for a model's own factor

    def _avoided(self, e_new: Decimal) -> Decimal:
        return max(Decimal(0), e_new * self.second_life_years / self.first_life_years - self.e_refurb_kg)

    @property
    def avoided_kg(self) -> Decimal:
        return self._avoided(self.e_new_kg)

    @property
    def low_kg(self) -> Decimal:
        return self._avoided(self.e_new_low_kg)

    @property
    def high_kg(self) -> Decimal:
        return self._avoided(self.e_new_high_kg)

    @property
    def avoided_g(self) -> int:
        return _grams(self.avoided_kg)

    @property
    def low_g(self) -> int:
        return _grams(self.low_kg)

    @property
    def high_g(self) -> int:
        return _grams(self.high_kg)

    @property
    def label(self) -> str:
        return str(LABELS[self.key])

    @property
    def confidence_label(self) -> str:
        return str(CONFIDENCE_LABELS[self.confidence])

    @property
    def confidence(self) -> str:
        """ "measured" when the refurbishment footprint was measured for the category, else "estimated"."""
        return "estimated" if self.refurb_estimated else "measured"


@dataclass(frozen=True)
class Avoided:
    """What `quantity` devices avoid, in grams: CO2e with its range, and e-waste."""

    co2e_g: int = 0
    co2e_low_g: int = 0
    co2e_high_g: int = 0
    ewaste_g: int = 0


def _grams(kg: Decimal) -> int:
    return int((kg * 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _d(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))


@lru_cache(maxsize=1)
def _boavizta() -> list[dict]:
    """Boavizta's rows with a usable footprint: E_new (the use phase taken out) and the row's error ratio."""
    rows = []
    with BOAVIZTA.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            try:
                total, use = float(row["gwp_total"]), float(row["gwp_use_ratio"])
            except ValueError:
                continue  # no total, or no split between use and the rest: nothing to take from the row
            error = float(row["gwp_error_ratio"]) if row["gwp_error_ratio"] else 0.0
            rows.append(
                {
                    "brand": row["manufacturer"].strip().lower(),
                    "name": row["name"],
                    "key": _model_key(row["name"]),
                    "subcategory": row["subcategory"],
                    "e_new": total * (1 - use),
                    "error": error,
                }
            )
    return rows


def _model_key(name: str) -> str:
    """A device name without what varies inside one model: storage, year, maker's codes in brackets."""
    name = name.lower()
    name = re.sub(r"\(.*?\)", " ", name)
    name = re.sub(r"\b\d+\s?(gb|tb)\b", " ", name)
    name = re.sub(r"\s-\s\d{4}\b.*$", " ", name)
    name = re.sub(r"\b(with|wi-?fi|cellular|5g|4g|lte)\b", " ", name)
    return " ".join(re.sub(r"[^a-z0-9+ ]", " ", name).split())


@lru_cache(maxsize=1)
def factors() -> dict[str, Factor]:
    """Each category's factor, with its range from the two sources."""
    by_slug = {row["slug"]: row for row in json.loads(ADEME.read_text(encoding="utf-8"))}
    phone_new = _footprint(by_slug["smartphone"])
    out = {}
    for key, (slug, subcategory, first, second, ewaste) in CATEGORIES.items():
        e_new = _footprint(by_slug[slug])
        refurb = SMARTPHONE_REFURB_KG if key == "smartphone" else (SMARTPHONE_REFURB_KG * e_new / phone_new)
        spread = [r["e_new"] for r in _boavizta() if r["subcategory"] == subcategory]
        deciles = statistics.quantiles(spread, n=10) if len(spread) >= 10 else [float(e_new)] * 9
        out[key] = Factor(
            key=key,
            e_new_kg=e_new,
            e_new_low_kg=min(e_new, _d(deciles[0])),
            e_new_high_kg=max(e_new, _d(deciles[-1])),
            e_refurb_kg=refurb.quantize(Decimal("0.01")),
            first_life_years=first,
            second_life_years=second,
            ewaste_g=ewaste,
            refurb_estimated=key != "smartphone",
            source=f"{ADEME_SOURCE}; range: {BOAVIZTA_SOURCE}, {len(spread)} devices",
        )
    return out


@lru_cache(maxsize=4096)
def model_factor(impact_key: str, brand: str, model_name: str) -> Factor | None:
    """The factor of one device model: its own Boavizta footprint when the data has that model (the median of
    its storage versions), else its category's; None for a category without a source."""
    category = factors().get(impact_key)
    if category is None:
        return None
    subcategory = CATEGORIES[impact_key][1]
    wanted, maker = _model_key(model_name), brand.strip().lower()
    rows = [r for r in _boavizta() if r["brand"] == maker and r["key"] == wanted and r["subcategory"] == subcategory]
    if not wanted or not rows:
        return category
    e_new = _d(statistics.median(r["e_new"] for r in rows))
    error = statistics.median(r["error"] for r in rows)
    if error > 0:
        low, high = _d(float(e_new) * (1 - error)), _d(float(e_new) * (1 + error))
    else:  # no error stated: the category's relative spread around this model's own figure
        low = (e_new * category.e_new_low_kg / category.e_new_kg).quantize(Decimal("0.01"))
        high = (e_new * category.e_new_high_kg / category.e_new_kg).quantize(Decimal("0.01"))
    refurb = (category.e_refurb_kg * e_new / category.e_new_kg).quantize(Decimal("0.01"))
    return Factor(
        key=impact_key,
        e_new_kg=e_new,
        e_new_low_kg=min(low, e_new),
        e_new_high_kg=max(high, e_new),
        e_refurb_kg=refurb,
        first_life_years=category.first_life_years,
        second_life_years=category.second_life_years,
        ewaste_g=category.ewaste_g,
        refurb_estimated=True,  # scaled to the model from the category's measured or estimated figure
        source=f"{BOAVIZTA_SOURCE}: {', '.join(sorted(r['name'] for r in rows)[:3])}; {ADEME_SOURCE}",
        model=rows[0]["name"],
    )


def _footprint(row: dict) -> Decimal:
    """ADEME's life-cycle steps of a new device (ecv) plus its end of life, in kg CO2e."""
    return sum((Decimal(str(step["value"])) for step in row["ecv"]), Decimal(0)) + Decimal(str(row.get("end", 0)))


def avoided(impact_key: str, quantity: int = 1, *, brand: str = "", model_name: str = "") -> Avoided:
    """What `quantity` refurbished devices of a model (or of its category, without a model) avoid; nothing for a
    category without a source."""
    factor = model_factor(impact_key, brand, model_name) if model_name else factors().get(impact_key)
    if factor is None:
        return Avoided()
    return Avoided(
        co2e_g=factor.avoided_g * quantity,
        co2e_low_g=factor.low_g * quantity,
        co2e_high_g=factor.high_g * quantity,
        ewaste_g=(factor.ewaste_g or 0) * quantity,
    )


def avoided_for(impact_key: str, quantity: int = 1) -> tuple[int, int]:
    """(grams CO2e, grams e-waste) avoided by `quantity` refurbished devices of a category; (0, 0) without a
    source."""
    a = avoided(impact_key, quantity)
    return a.co2e_g, a.ewaste_g
