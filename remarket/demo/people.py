"""Demo merchants and logins, created through the merchants' and accounts' own services."""

import datetime as dt
import itertools
import random
import secrets
from dataclasses import dataclass, field

from django.utils.text import slugify

from remarket.accounts.models import Role, User
from remarket.accounts.permissions import Actor
from remarket.accounts.services import api_token_issue, user_create
from remarket.core import clock
from remarket.invoices.seller import seller_identity_set
from remarket.merchants.models import Merchant
from remarket.merchants.services import merchant_create

from .network import Network
from .people_data import FIRST_NAMES, FIRST_PARTY, LAST_NAMES, MERCHANTS, NAME_PARTS, STREETS, TOWNS

EU = ("FR", "DE", "ES", "IT")
# What a merchant concentrates on: category → how strongly it lists it (absent: not at all).
FOCUS = {
    "generalist": {
        "smartphones": 1,
        "tablets": 1,
        "laptops": 1,
        "desktops": 1,
        "consoles": 1,
        "smartwatches": 1,
        "audio": 1,
    },
    "phones": {"smartphones": 1.5, "tablets": 0.6, "smartwatches": 0.6, "audio": 0.6},
    "computers": {"laptops": 3, "desktops": 3, "tablets": 1},
    "gaming": {"consoles": 6, "audio": 1, "smartwatches": 1, "smartphones": 0.3},
}
PARTNER_CLERKS = 3


@dataclass
class Seller:
    """A merchant with the traits the generator gives it."""

    merchant: Merchant
    markets: tuple[str, ...]
    size: float  # relative share of listings
    price_factor: float  # < 1: cheaper than the market
    focus: dict[str, float]
    warranty_months: tuple[int, ...]
    sku_prefix: str


@dataclass
class Customer:
    user_id: int
    email: str
    market: str
    first_name: str
    last_name: str


@dataclass
class People:
    sellers: list[Seller]  # the first-party merchant first
    operator_id: int
    clerks: dict[int, int]  # location id → clerk user id
    customers: list[Customer]
    credentials: dict = field(default_factory=dict)


def password() -> str:
    return secrets.token_urlsafe(12)


def merchant_names(count: int) -> list[tuple[str, str]]:
    """`count` (name, country) pairs: the hand-written merchants taken in turn across countries, then composed
    names once those run out."""
    interleaved = [
        pair
        for group in itertools.zip_longest(*[[(n, c) for n in names] for c, names in MERCHANTS.items()])
        for pair in group
        if pair
    ]
    countries = itertools.cycle(MERCHANTS)
    composed = ((f"{a} {b}", next(countries)) for a, b in itertools.product(*NAME_PARTS))
    numbered = ((f"Refurb Partner {i}", next(countries)) for i in itertools.count(1))
    return list(itertools.islice(itertools.chain(interleaved, composed, numbered), count))


def _markets_for(country: str, rank: int, rng: random.Random) -> tuple[str, ...]:
    if country == "US":
        return ("US",)
    if country == "GB":
        return ("GB", "FR") if rng.random() < 0.3 else ("GB",)
    if rank < 5:
        return (*EU, "GB")
    others = tuple(m for m in EU if m != country and rng.random() < 0.55)
    return (country, *others, *(("GB",) if rng.random() < 0.3 else ()))


def _status(index: int, count: int) -> str:
    if count >= 3 and index == count - 2:
        return Merchant.Status.WARNED
    if count >= 3 and index == count - 1:
        return Merchant.Status.LIMITED
    return Merchant.Status.ACTIVE


def _sku_prefix(slug: str) -> str:
    return "".join(word[0] for word in slug.split("-") if word)[:4].upper() or "SKU"


def sellers_build(*, count: int, rng: random.Random, now: dt.datetime) -> list[Seller]:
    """The first-party merchant, then `count` refurbishers, all through `merchant_create`, each dated to when
    it joined (one to seven years ago)."""
    name, country = FIRST_PARTY
    with clock.frozen(now - dt.timedelta(days=2400)):
        first = merchant_create(name=name, country=country, is_first_party=True, commission_bp=0)
    sellers = [Seller(first, ("FR", "US"), 0, 1.0, {"smartphones": 1}, (12, 24), "RM")]
    ranks = list(range(count))
    rng.shuffle(ranks)
    for index, ((name, country), rank) in enumerate(zip(merchant_names(count), ranks)):
        joined = now - dt.timedelta(days=rng.randint(400, 2500), seconds=rng.randint(0, 86399))
        with clock.frozen(joined):
            merchant = merchant_create(
                name=name,
                country=country,
                status=_status(index, count),
                commission_bp=rng.choice((900, 1000, 1000, 1000, 1100, 1200)),
            )
        focus = rng.choices(list(FOCUS), weights=(55, 25, 12, 8))[0]
        sellers.append(
            Seller(
                merchant,
                _markets_for(country, rank, rng),
                1 / (rank + 1) ** 0.7,
                rng.uniform(0.93, 1.08),
                FOCUS[focus],
                rng.choice(((12,), (12,), (12, 24), (18,), (24,))),
                _sku_prefix(merchant.slug),
            )
        )
    return sellers


LEGAL_FORMS = {"FR": "SAS", "DE": "GmbH", "ES": "S.L.", "IT": "S.r.l.", "GB": "Ltd", "US": "LLC"}


def _legal_identity(merchant: Merchant) -> dict:
    """An invented legal identity in the merchant's country, shaped like the real ones (VAT number prefix, a
    company registration number), which its invoices print. Drawn from the merchant's own seed, so the demo's
    other draws stay as they were."""
    rng = random.Random(merchant.pk)
    country = str(merchant.country)
    towns, streets = TOWNS.get(country, TOWNS["FR"]), STREETS.get(country, STREETS["FR"])
    town, postcode, state = rng.choice(towns)
    digits = "".join(str(rng.randint(0, 9)) for _ in range(9))
    company = {
        "FR": f"SIREN {digits[:3]} {digits[3:6]} {digits[6:]}",
        "DE": f"HRB {digits[:5]}",
        "US": f"EIN {digits[:2]}-{digits[2:9]}",
    }
    return {
        "legal_name": f"{merchant.name} {LEGAL_FORMS.get(country, '')}".strip(),
        "street": f"{rng.randint(1, 120)} {rng.choice(streets)}",
        "postal_code": postcode,
        "city": town,
        "region": state,
        "country": country,
        "vat_number": ""
        if country in ("US", "GB")
        else f"{'EL' if country == 'GR' else country}{rng.randint(10, 99)}{digits}",
        "company_id": company.get(country, f"{country}-{digits}"),
    }


def people_build(*, sellers: list[Seller], network: Network, rng: random.Random) -> People:
    """One staff login and API token per merchant, the operator, store and partner clerks, a customer per market."""
    creds: dict = {"operator": {}, "merchants": [], "clerks": [], "customers": []}
    secret = password()
    operator = user_create(
        username="operator", password=secret, role=Role.OPERATOR, email="operator@example.com", is_staff=True
    )
    User.objects.filter(pk=operator.pk).update(is_superuser=True)
    creds["operator"] = {"username": operator.username, "password": secret}
    for seller in sellers:
        merchant, secret = seller.merchant, password()
        user = user_create(
            username=merchant.slug,
            password=secret,
            role=Role.MERCHANT,
            email=f"{merchant.slug}@example.com",
            merchant_id=merchant.pk,
        )
        _, token = api_token_issue(user=user, name="demo")
        seller_identity_set(actor=Actor.of(user), values=_legal_identity(merchant))
        creds["merchants"].append(
            {"name": merchant.name, "username": user.username, "password": secret, "api_token": token}
        )
    clerks = {}
    for location in [network.store, *network.partner_locations[:PARTNER_CLERKS]]:
        secret = password()
        user = user_create(
            username=f"clerk-{location.code}",
            password=secret,
            role=Role.CLERK,
            email=f"clerk-{location.code}@example.com",
            location_id=location.pk,
        )
        clerks[location.pk] = user.pk
        creds["clerks"].append({"location": location.name, "username": user.username, "password": secret})
    customers = []
    for market in network.markets:
        first, last = rng.choice(FIRST_NAMES[market]), rng.choice(LAST_NAMES[market])
        email, secret = f"{slugify(first)}.{slugify(last)}@example.com", password()
        if User.objects.filter(username=email).exists():
            email = f"{slugify(first)}.{slugify(last)}.{market.lower()}@example.com"
        user = user_create(username=email, password=secret, email=email)
        User.objects.filter(pk=user.pk).update(first_name=first, last_name=last)
        customers.append(Customer(user.pk, email, market, first, last))
        creds["customers"].append({"email": email, "password": secret})
    return People(sellers=sellers, operator_id=operator.pk, clerks=clerks, customers=customers, credentials=creds)
