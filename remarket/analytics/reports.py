"""The GMV and impact reports: the one place the dashboard, the CSV export, the CLI and /api/v1 read them from.

Every figure comes from the rollups (`GmvRollup` when a report splits only by country, channel and time and sees
the whole marketplace; `GmvSlice` when it splits by category, merchant, partner or location, or is a merchant's or
a partner manager's own slice), never from the facts: a report costs the same whatever the history's length.
Periods are whole months in each market's time zone (`2025`, `2025-Q2`, `2025-06`, `2025-01..2025-06`)."""

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Sum
from django.utils.translation import gettext as _

from remarket.accounts.permissions import Actor, require
from remarket.catalog.models import Category
from remarket.core.errors import DomainError
from remarket.ledger.calc import take_rates_bp
from remarket.markets.models import Channel, Location, Partner
from remarket.merchants.models import Merchant

from .models import GmvRollup, GmvSlice, GmvYearSlice

# a report's dimension → the rollup column it groups by (year and quarter are months bucketed)
DIMENSIONS: dict[str, str] = {
    "country": "market_code",
    "channel": "channel_kind",
    "category": "category_id",
    "merchant": "merchant_id",
    "partner": "partner_id",
    "location": "location_id",
    "month": "month",
    "quarter": "month",
    "year": "month",
}
_COARSE = {"country", "channel", "month", "quarter", "year"}
_SUMS = (
    "gross_eur_minor",
    "refunds_eur_minor",
    "gmv_eur_minor",
    "units",
    "orders",
    "commission_eur_minor",
)


def _month_add(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    since: dt.date  # first day of the first month
    until: dt.date  # first day of the month after the last
    label: str
    kind: str  # year, quarter, month or custom

    @property
    def months(self) -> int:
        return (self.until.year - self.since.year) * 12 + self.until.month - self.since.month

    def shifted(self, months: int) -> "Period":
        since, until = _month_add(self.since, months), _month_add(self.until, months)
        return Period(since, until, period_label(since, until, self.kind), self.kind)

    def year_before(self) -> "Period":
        return self.shifted(-12)

    def previous(self) -> "Period":
        """The period of the same length just before (the previous quarter of a quarter: QoQ)."""
        return self.shifted(-self.months)


def period_label(since: dt.date, until: dt.date, kind: str) -> str:
    last = _month_add(until, -1)
    if kind == "year":
        return f"{since.year}"
    if kind == "quarter":
        return f"{since.year}-Q{(since.month - 1) // 3 + 1}"
    if kind == "month":
        return f"{since:%Y-%m}"
    return f"{since:%Y-%m}..{last:%Y-%m}"


FIRST_YEAR, LAST_YEAR = 1970, 2999  # a report's years (and the year before and after them stay dates)
_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _month_of(text: str) -> dt.date | None:
    m = _MONTH.match(text)
    if not m or not 1 <= int(m[2]) <= 12 or not FIRST_YEAR <= int(m[1]) <= LAST_YEAR:
        return None
    return dt.date(int(m[1]), int(m[2]), 1)


def _in_range(m: re.Match[str] | None) -> re.Match[str] | None:
    return m if m is not None and FIRST_YEAR <= int(m[1]) <= LAST_YEAR else None


def period_parse(text: str) -> Period:
    """`2025` (a year), `2025-Q2` (a quarter), `2025-06` (a month) or `2025-01..2025-06` (months, both included)."""
    text = (text or "").strip()
    if (m := _in_range(_YEAR.match(text))) is not None:
        since = dt.date(int(m[1]), 1, 1)
        return Period(since, _month_add(since, 12), text, "year")
    if (m := _in_range(_QUARTER.match(text))) is not None:
        since = dt.date(int(m[1]), 3 * int(m[2]) - 2, 1)
        return Period(since, _month_add(since, 3), f"{m[1]}-Q{m[2]}", "quarter")
    if (month := _month_of(text)) is not None:
        return Period(month, _month_add(month, 1), text, "month")
    first, sep, last = text.partition("..")
    start, end = _month_of(first), _month_of(last)
    if sep and start and end and start <= end:
        until = _month_add(end, 1)
        return Period(start, until, period_label(start, until, "custom"), "custom")
    raise DomainError(
        "ANALYTICS_PERIOD_INVALID",
        _("A period is a year (2025), a quarter (2025-Q2), a month (2025-06) or months (2025-01..2025-06)."),
        {"period": text},
    )


def dimensions_parse(text: str) -> tuple[str, ...]:
    """`country,channel` → ("country", "channel"); an unknown dimension is refused."""
    names = tuple(n.strip().lower() for n in (text or "").split(",") if n.strip())
    unknown = [n for n in names if n not in DIMENSIONS]
    if unknown or len(set(names)) != len(names) or len([n for n in names if DIMENSIONS[n] == "month"]) > 1:
        raise DomainError(
            "ANALYTICS_DIMENSION_INVALID",
            _("Split by some of: %(names)s, each once, and at most one of month, quarter and year.")
            % {"names": ", ".join(DIMENSIONS)},
            {"by": text, "unknown": unknown},
        )
    return names


@dataclass
class ReportRow:
    key: tuple[str, ...]  # the labels of the row's dimensions, in the order asked
    gross_eur_minor: int = 0
    refunds_eur_minor: int = 0
    net_eur_minor: int = 0
    units: int = 0
    orders: int = 0
    new_customers: int = 0  # orders that were their customer's first (in a slice: with a line in it)
    commission_eur_minor: int = 0
    share_bp: int | None = None  # of the report's net GMV
    yoy_bp: int | None = None  # net GMV growth on the same slice a year before
    previous_bp: int | None = None  # on the period of the same length just before (QoQ for a quarter)
    new_customers_yoy_bp: int | None = None
    take_rate_bp: int | None = None  # the ledger's take rate: commission over net GMV

    @property
    def returning_orders(self) -> int:
        return self.orders - self.new_customers

    @property
    def average_basket_eur_minor(self) -> int | None:
        return self.gross_eur_minor // self.orders if self.orders else None


@dataclass
class Report:
    period: Period
    by: tuple[str, ...]
    scope: str  # "marketplace", "merchant <id>" or "partner <id>"
    rows: list[ReportRow]
    total: ReportRow = field(default_factory=lambda: ReportRow(key=()))


def growth_bp(now: int, before: int) -> int | None:
    """Growth in basis points (3000 is +30 %); None without a base to compare with."""
    if before <= 0:
        return None
    return round((now - before) * 10_000 / before)


def _scope(actor: Actor) -> tuple[str, dict]:
    require(actor, "report.view")
    if actor.role == "merchant":
        return f"merchant {actor.merchant_id}", {"merchant_id": actor.merchant_id}
    if actor.role == "partner":
        return f"partner {actor.partner_id}", {"partner_id": actor.partner_id}
    return "marketplace", {}


def _bucket(name: str, month: dt.date) -> str:
    if name == "year":
        return f"{month.year}"
    if name == "quarter":
        return f"{month.year}-Q{(month.month - 1) // 3 + 1}"
    return f"{month:%Y-%m}"


def _grouped(*, by: tuple[str, ...], period: Period, where: dict, coarse: bool) -> dict[tuple, list[int]]:
    """Per key of `by`: the sums of `_SUMS` and the new customers, in that order."""
    # whole calendar years split by no finer time than the year: the year slices (a twelfth of the rows)
    yearly = not coarse and period.since.month == 1 and period.until.month == 1 and not {"month", "quarter"} & set(by)
    model: type[GmvRollup | GmvSlice | GmvYearSlice] = GmvRollup if coarse else GmvYearSlice if yearly else GmvSlice
    new = "new_customers" if coarse else "new_customer_orders"
    time = "year" if yearly else "month"
    column = {n: time if DIMENSIONS[n] == "month" else DIMENSIONS[n] for n in by}
    columns = sorted(set(column.values()))
    rows = (
        model.objects.filter(**{f"{time}__gte": period.since, f"{time}__lt": period.until}, **where)
        .values(*columns)
        .annotate(**{f"s_{n}": Sum(n) for n in (*_SUMS, new)})
        .order_by()
        .values_list(*columns, *(f"s_{n}" for n in (*_SUMS, new)))
    )
    at = {name: columns.index(column[name]) for name in by}
    buckets: dict[tuple[str, dt.date], str] = {}
    width = len(columns)
    out: dict[tuple, list[int]] = {}
    for r in rows:
        key = []
        for name in by:
            value = r[at[name]]
            if DIMENSIONS[name] == "month":
                value = buckets.get((name, value)) or buckets.setdefault((name, value), _bucket(name, value))
            key.append(value)
        sums = out.get(tuple(key))
        if sums is None:
            sums = out[tuple(key)] = [0] * (len(_SUMS) + 1)
        for i in range(len(_SUMS) + 1):
            sums[i] += r[width + i] or 0
    return out


_GMV, _NEW = _SUMS.index("gmv_eur_minor"), len(_SUMS)


def _labels(by: tuple[str, ...], keys: list[tuple]) -> dict[tuple[str, object], str]:
    """Names for the ids in the rows (one query per dimension named by id)."""
    labels: dict[tuple[str, object], str] = {}
    ids: dict[str, set] = defaultdict(set)
    for key in keys:
        for name, value in zip(by, key):
            ids[name].add(value)
    sources = {
        "category": Category.objects.filter(pk__in=ids["category"]).values_list("pk", "name"),
        "merchant": Merchant.objects.filter(pk__in=ids["merchant"]).values_list("pk", "name"),
        "partner": Partner.objects.filter(pk__in=ids["partner"]).values_list("pk", "name"),
        "location": Location.objects.filter(pk__in=ids["location"]).values_list("pk", "name"),
    }
    for name, query in sources.items():
        if name in by:
            labels.update({(name, pk): label for pk, label in query})
            labels[(name, 0)] = _("none") if name != "partner" else _("own channels")
    kinds = dict(Channel.Kind.choices)
    for value in ids["channel"]:
        labels[("channel", value)] = str(kinds.get(value, value))
    return labels


def gmv_report(*, actor: Actor, period: Period, by: tuple[str, ...] = (), growth: bool = True) -> Report:
    """GMV gross and net, units, orders, average basket, take rate, new and returning customers' orders, shares
    and growth (YoY, and on the period just before) over `period`, split `by` dimensions, in the actor's scope."""
    scope, where = _scope(actor)
    coarse = not where and set(by) <= _COARSE
    current = _grouped(by=by, period=period, where=where, coarse=coarse)
    year_before = _grouped(by=by, period=period.year_before(), where=where, coarse=coarse) if growth else {}
    if growth and period.months == 12:
        previous = year_before  # the period just before a year is the year before
    else:
        previous = _grouped(by=by, period=period.previous(), where=where, coarse=coarse) if growth else {}
    time_dims = [i for i, n in enumerate(by) if DIMENSIONS[n] == "month"]
    shifted: dict[tuple[str, int], str] = {}

    def shifted_key(key: tuple, months: int) -> tuple:
        # a time-split row is compared with the same bucket a year (or a period) before
        if not time_dims:
            return key
        i, name = time_dims[0], by[time_dims[0]]
        step = {"year": 12, "quarter": 3, "month": 1}[name]
        if months % step:
            return key
        text = key[i]
        if (text, months) not in shifted:
            shifted[(text, months)] = _bucket(name, _month_add(period_parse(text).since, months))
        return (*key[:i], shifted[(text, months)], *key[i + 1 :])

    labels = _labels(by, list(current))
    total = ReportRow(key=())
    rows = []
    for key in sorted(current, key=lambda k: tuple(str(v) for v in k)):
        sums = current[key]
        row = ReportRow(
            key=tuple(labels.get((n, v), str(v)) for n, v in zip(by, key)),
            gross_eur_minor=sums[0],
            refunds_eur_minor=sums[1],
            net_eur_minor=sums[2],
            units=sums[3],
            orders=sums[4],
            new_customers=sums[_NEW],
            commission_eur_minor=sums[5],
        )
        if growth:
            before = year_before.get(shifted_key(key, -12) if time_dims else key)
            row.yoy_bp = growth_bp(row.net_eur_minor, before[_GMV]) if before else None
            row.new_customers_yoy_bp = growth_bp(row.new_customers, before[_NEW]) if before else None
            back = previous.get(shifted_key(key, -period.months) if time_dims else key)
            row.previous_bp = growth_bp(row.net_eur_minor, back[_GMV]) if back else None
        rows.append(row)
        for n in ("gross_eur_minor", "refunds_eur_minor", "net_eur_minor", "units", "orders", "new_customers"):
            setattr(total, n, getattr(total, n) + getattr(row, n))
        total.commission_eur_minor += row.commission_eur_minor
    everything = [*rows, total]
    for row, rate in zip(everything, take_rates_bp([(r.commission_eur_minor, r.net_eur_minor) for r in everything])):
        row.take_rate_bp = rate
    for row in rows:
        row.share_bp = round(row.net_eur_minor * 10_000 / total.net_eur_minor) if total.net_eur_minor > 0 else None
    if growth:
        total.yoy_bp = growth_bp(total.net_eur_minor, sum(s[_GMV] for s in year_before.values()))
        total.new_customers_yoy_bp = growth_bp(total.new_customers, sum(s[_NEW] for s in year_before.values()))
        total.previous_bp = growth_bp(total.net_eur_minor, sum(s[_GMV] for s in previous.values()))
    return Report(period=period, by=by, scope=scope, rows=rows, total=total)


REPORT_COLUMNS = (
    "gross_eur",
    "refunds_eur",
    "net_eur",
    "units",
    "orders",
    "new_customers",
    "returning_orders",
    "average_basket_eur",
    "take_rate_pct",
    "share_pct",
    "yoy_pct",
    "previous_pct",
    "new_customers_yoy_pct",
)


def _pct(bp: int | None) -> str:
    return "" if bp is None else f"{bp / 100:.2f}"


def _eur(minor: int | None) -> str:
    return "" if minor is None else f"{minor / 100:.2f}"


def report_table(report: Report) -> tuple[list[str], list[list[str]]]:
    """The report as a header and rows of text (the CSV export and the CLI print the same), the total last."""
    header = [*report.by, *REPORT_COLUMNS]
    out = []
    for row in [*report.rows, report.total]:
        key = list(row.key) if row.key else ([_("total")] + [""] * (len(report.by) - 1) if report.by else [])
        out.append(
            [
                *key,
                _eur(row.gross_eur_minor),
                _eur(row.refunds_eur_minor),
                _eur(row.net_eur_minor),
                str(row.units),
                str(row.orders),
                str(row.new_customers),
                str(row.returning_orders),
                _eur(row.average_basket_eur_minor),
                _pct(row.take_rate_bp),
                _pct(row.share_bp if row.key else 10_000 if row.net_eur_minor > 0 else None),
                _pct(row.yoy_bp),
                _pct(row.previous_bp),
                _pct(row.new_customers_yoy_bp),
            ]
        )
    return header, out


@dataclass(frozen=True)
class ImpactReport:
    label: str
    units: int
    co2e_avoided_g: int
    co2e_low_g: int
    co2e_high_g: int
    ewaste_avoided_g: int
    by_country: list[tuple[str, int, int, int]]  # (country, units, CO2e g, e-waste g)
    since_creation_co2e_g: int
    since_creation_ewaste_g: int


def impact_report(*, actor: Actor, year: int | None = None) -> ImpactReport:
    """Devices sold (net of refunds) and the CO2e and e-waste they avoided, in a year or since the start."""
    require(actor, "ops.dashboard")
    if year is not None and not 1900 <= year <= 9999:
        raise DomainError("ANALYTICS_YEAR_INVALID", _("A year is four digits, as 2024."), {"year": year})
    rows = (
        GmvRollup.objects.values("month", "market_code")
        .annotate(
            u=Sum("units"),
            c=Sum("co2e_avoided_g"),
            lo=Sum("co2e_low_g"),
            hi=Sum("co2e_high_g"),
            e=Sum("ewaste_avoided_g"),
        )
        .order_by()
    )
    totals: dict[str, int] = defaultdict(int)
    countries: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    all_co2e = all_ewaste = 0
    for r in rows:
        all_co2e += r["c"] or 0
        all_ewaste += r["e"] or 0
        if year is not None and r["month"].year != year:
            continue
        for name in ("u", "c", "lo", "hi", "e"):
            totals[name] += r[name] or 0
        c = countries[r["market_code"]]
        c[0] += r["u"] or 0
        c[1] += r["c"] or 0
        c[2] += r["e"] or 0
    return ImpactReport(
        label=str(year) if year is not None else _("since the start"),
        units=totals["u"],
        co2e_avoided_g=totals["c"],
        co2e_low_g=totals["lo"],
        co2e_high_g=totals["hi"],
        ewaste_avoided_g=totals["e"],
        by_country=sorted(((k, v[0], v[1], v[2]) for k, v in countries.items()), key=lambda t: -t[2]),
        since_creation_co2e_g=all_co2e,
        since_creation_ewaste_g=all_ewaste,
    )


@dataclass
class DashboardSeries:
    """The ops dashboard's charts, from one grouped read of the month × country × channel rollup."""

    years: list[int]
    gmv_by_year_country: dict[str, list[int]]  # country → net GMV (EUR minor) per year
    quarters: list[str]  # the last 12 quarters with sales
    channel_mix_bp: dict[str, list[int]]  # channel kind → share of the quarter's net GMV
    gmv_yoy_bp: list[int | None]  # per quarter
    new_customers: list[int]  # per quarter
    new_customers_yoy_bp: list[int | None]


def dashboard_series(*, actor: Actor, quarters: int = 12) -> DashboardSeries:
    require(actor, "ops.dashboard")
    rows = GmvRollup.objects.values("month", "market_code", "channel_kind").annotate(
        g=Sum("gmv_eur_minor"), n=Sum("new_customers")
    )
    by_year: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    by_quarter: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    new: dict[str, int] = defaultdict(int)
    for r in rows.order_by():
        month, gmv = r["month"], r["g"] or 0
        by_year[r["market_code"]][month.year] += gmv
        q = _bucket("quarter", month)
        by_quarter[q][r["channel_kind"]] += gmv
        new[q] += r["n"] or 0
    years = sorted({y for c in by_year.values() for y in c})
    shown = sorted(by_quarter)[-quarters:]
    mix: dict[str, list[int]] = {kind: [] for kind in Channel.Kind.values}
    yoy, new_yoy = [], []
    for q in shown:
        total = sum(by_quarter[q].values())
        for kind in mix:
            mix[kind].append(round(by_quarter[q].get(kind, 0) * 10_000 / total) if total > 0 else 0)
        year, part = q.split("-")
        before = f"{int(year) - 1}-{part}"
        yoy.append(growth_bp(total, sum(by_quarter[before].values()) if before in by_quarter else 0))
        new_yoy.append(growth_bp(new[q], new.get(before, 0)))
    return DashboardSeries(
        years=years,
        gmv_by_year_country={c: [v.get(y, 0) for y in years] for c, v in sorted(by_year.items())},
        quarters=shown,
        channel_mix_bp=mix,
        gmv_yoy_bp=yoy,
        new_customers=[new[q] for q in shown],
        new_customers_yoy_bp=new_yoy,
    )
