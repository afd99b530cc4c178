"""The location network's writes: a locations CSV imported row by row, and the operator's edit of one location.

Both check a location's fields the same way (`_clean`): text without control characters, a postcode of the
country's shape, coordinates on the globe, opening hours (`hours.py`), known services. An import creates or
updates by `code`; a bad row gets its line number and a stable code and writes nothing, the others apply; the
same file again changes nothing."""

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from remarket.accounts.models import Role
from remarket.accounts.permissions import Actor
from remarket.core.errors import DomainError, Forbidden, NotFound
from remarket.core.text import text_check

from .hours import closed_dates_parse, hours_parse, hours_validate
from .locator import locator_forget
from .models import Channel, Location, Partner

# the shapes of the markets' postcodes (and of a few neighbours a network may reach)
POSTCODES = {
    "FR": r"\d{5}",
    "US": r"\d{5}(-\d{4})?",
    "DE": r"\d{5}",
    "ES": r"\d{5}",
    "IT": r"\d{5}",
    "GB": r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}",
    "BE": r"\d{4}",
    "CH": r"\d{4}",
    "NL": r"\d{4} ?[A-Z]{2}",
}
COLUMNS = ("code", "name", "partner", "channel", "street", "postcode", "town", "country", "region", "latitude",
           "longitude", "hours", "closed", "services", "active")  # fmt: skip
REQUIRED = ("code", "name", "postcode", "town")
SERVICES = tuple(Location.Service.values)
PROGRESS_EVERY = 100
_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_TRUE, _FALSE = ("", "1", "yes", "true", "y", "oui"), ("0", "no", "false", "n", "non")
# fields an edit may change; the code and the network stay
EDITABLE = ("name", "street", "postcode", "town", "region", "latitude", "longitude", "hours", "closed_dates",
            "services", "is_active")  # fmt: skip


def _text(value, name: str, *, most: int, required: bool = False) -> str:
    value = text_check(str(value or ""), code="LOCATION_TEXT_INVALID", field=name).strip()
    if required and not value:
        raise DomainError("LOCATION_FIELD_REQUIRED", _("The %(field)s is required.") % {"field": name}, {"field": name})
    if len(value) > most:
        raise DomainError(
            "LOCATION_TEXT_INVALID",
            _("The %(field)s is at most %(most)s characters.") % {"field": name, "most": most},
            {"field": name},
        )
    return value


def _degrees(value, name: str, bound: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        degrees = Decimal(str(value).strip()).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        degrees = None
    if degrees is None or not degrees.is_finite() or not -bound <= degrees <= bound:
        raise DomainError(
            "LOCATION_COORDINATES_INVALID",
            _("The %(field)s is a number of degrees from -%(bound)s to %(bound)s.") % {"field": name, "bound": bound},
            {"field": name},
        )
    return degrees


def services_parse(value) -> list[str]:
    """Services from text (`sales pickup`, spaces, commas or `|`) or a list, in `Location.Service`'s order."""
    items = re.split(r"[\s,|]+", value.strip()) if isinstance(value, str) else value
    items = [i for i in (items or []) if i]
    unknown = [i for i in items if i not in SERVICES]
    if unknown or not isinstance(items, list):
        raise DomainError(
            "LOCATION_SERVICE_UNKNOWN",
            _("Services are among: %(known)s.") % {"known": ", ".join(SERVICES)},
            {"unknown": [str(u)[:20] for u in unknown][:5]},
        )
    return [s for s in SERVICES if s in items]


def _clean(values: dict, country: str) -> dict:
    """The model's field values from an edit's or a row's, checked; LOCATION_* errors otherwise."""
    clean: dict[str, Any] = {}
    if "name" in values:
        clean["name"] = _text(values["name"], "name", most=120, required=True)
    if "street" in values:
        clean["street"] = _text(values["street"], "street", most=200)
    if "town" in values:
        clean["town"] = _text(values["town"], "town", most=100, required=True)
    if "region" in values:
        clean["region"] = _text(values["region"], "region", most=10).upper()
    if "postcode" in values:
        postcode = _text(values["postcode"], "postcode", most=12, required=True).upper()
        shape = POSTCODES.get(country)
        if shape is None or not re.fullmatch(shape, postcode):
            raise DomainError(
                "LOCATION_POSTCODE_INVALID",
                _("%(postcode)s is not a postcode of %(country)s.") % {"postcode": postcode, "country": country},
                {"postcode": postcode, "country": country},
            )
        clean["postcode"] = postcode
    if "latitude" in values:
        clean["latitude"] = _degrees(values["latitude"], "latitude", 90)
    if "longitude" in values:
        clean["longitude"] = _degrees(values["longitude"], "longitude", 180)
    if "hours" in values:
        hours = values["hours"]
        clean["hours"] = hours_parse(hours) if isinstance(hours, str) else hours_validate(hours)
    if "closed_dates" in values:
        clean["closed_dates"] = closed_dates_parse(values["closed_dates"])
    if "services" in values:
        offered = services_parse(values["services"])
        clean.update({f"service_{s}": s in offered for s in SERVICES})
    if "is_active" in values:
        clean["is_active"] = bool(values["is_active"])
    return clean


def _changed(location: Location, clean: dict) -> list[str]:
    return [name for name, value in clean.items() if getattr(location, name) != value]


@transaction.atomic
def location_update(*, actor: Actor, location_id: int, **changes) -> Location:
    """The operator's edit of one location: any of `EDITABLE` (hours as a schedule or its text, services as a
    list or text). Checked like an import row; nothing is written when a field is refused."""
    if actor.role != Role.OPERATOR:
        raise Forbidden("LOCATION_FORBIDDEN", _("Only operator staff edit locations."))
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise DomainError("LOCATION_FIELD_UNKNOWN", _("These fields cannot be changed here."), {"fields": unknown})
    location = Location.objects.select_for_update().filter(pk=location_id).first()
    if location is None:
        raise NotFound("LOCATION_NOT_FOUND", _("There is no such location."), {"location_id": location_id})
    clean = _clean(changes, location.country)
    changed = _changed(location, clean)
    for name in changed:
        setattr(location, name, clean[name])
    if changed:
        location.save(update_fields=changed)
        transaction.on_commit(locator_forget)
    return location


# --- import ------------------------------------------------------------------------------------------------


@dataclass
class RowResult:
    line: int
    code: str
    status: str  # created, updated, unchanged, error
    error: str = ""  # a stable code when refused
    message: str = ""
    fields: list[str] = field(default_factory=list)  # what an update changed


def locations_read(data: bytes) -> list[tuple[int, dict[str, str]]]:
    """A locations CSV's rows with their line numbers (the header is line 1). The header names its columns
    (`COLUMNS`, in any order, at least `REQUIRED` and `partner` or `channel`)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError("LOCATIONS_CSV_INVALID", _("A locations file is UTF-8 text.")) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    unknown = [h for h in header if h not in COLUMNS]
    if missing or unknown or not ({"partner", "channel"} & set(header)):
        raise DomainError(
            "LOCATIONS_CSV_INVALID",
            _("The header needs %(required)s and partner or channel; the known columns are %(known)s.")
            % {"required": ", ".join(REQUIRED), "known": ", ".join(COLUMNS)},
            {"missing": missing, "unknown": unknown[:10]},
        )
    reader.fieldnames = header
    return [(reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}) for row in reader]


def _network(row: dict, channels: dict[str, Channel], partners: dict[str, Partner]) -> Channel:
    """The channel a row's location belongs to: named, or its partner's in the row's country."""
    partner_name, channel_code = row.get("partner", ""), row.get("channel", "")
    partner = None
    if partner_name:
        partner = partners.get(partner_name.casefold())
        if partner is None:
            raise DomainError(
                "LOCATION_PARTNER_UNKNOWN", _("There is no partner %(name)s.") % {"name": partner_name[:100]}
            )
    if channel_code:
        channel = channels.get(channel_code)
        if channel is None or channel.kind == Channel.Kind.WEB:
            raise DomainError(
                "LOCATION_CHANNEL_UNKNOWN",
                _("There is no store or partner channel %(code)s.") % {"code": channel_code[:40]},
            )
        if partner is not None and channel.partner_id != partner.pk:
            raise DomainError("LOCATION_PARTNER_MISMATCH", _("This channel is not this partner's."))
        return channel
    if partner is None:
        raise DomainError("LOCATION_NETWORK_REQUIRED", _("A location names its partner or its channel."))
    country = (row.get("country") or "").upper()
    found = [c for c in channels.values() if c.partner_id == partner.pk and (not country or c.market.code == country)]
    if len(found) != 1:
        raise DomainError(
            "LOCATION_CHANNEL_UNKNOWN",
            _("Partner %(name)s has no single channel in this country: name the channel.") % {"name": partner.name},
        )
    return found[0]


def _row_values(row: dict, channel: Channel) -> tuple[dict, str]:
    country = (row.get("country") or channel.market.code).upper()
    if country != channel.market.code:
        raise DomainError(
            "LOCATION_COUNTRY_MISMATCH",
            _("Channel %(channel)s sells in %(market)s, not %(country)s.")
            % {"channel": channel.code, "market": channel.market.code, "country": country[:2]},
        )
    active = (row.get("active") or "").lower()
    if active not in _TRUE + _FALSE:
        raise DomainError("LOCATION_ACTIVE_INVALID", _("Active is yes or no."))
    values = {
        k: row[k]
        for k in ("name", "street", "postcode", "town", "region", "latitude", "longitude", "hours")
        if k in row
    }
    if "closed" in row:
        values["closed_dates"] = row["closed"]
    if "services" in row:
        values["services"] = row["services"] or "sales"
    if "active" in row:
        values["is_active"] = active in _TRUE
    clean = _clean(values, country)
    clean.update(channel_id=channel.pk, country=country)
    return clean, country


def locations_import(
    rows: list[tuple[int, dict[str, str]]], *, progress: Callable[[int], None] | None = None
) -> list[RowResult]:
    """Create or update locations by `code` from `locations_read` rows, one result per row. One transaction; a
    refused row writes nothing, the good ones apply; a code twice in the file refuses each of its rows.
    `progress(n)` is told of every `n` rows done (a command's progress bar)."""
    channels = {c.code: c for c in Channel.objects.select_related("market")}
    partners = {p.name.casefold(): p for p in Partner.objects.all()}
    counts: dict[str, int] = {}
    for _line, row in rows:
        counts[row.get("code", "")] = counts.get(row.get("code", ""), 0) + 1
    known = {l.code: l for l in Location.objects.filter(code__in=list(counts))}
    results = []
    with transaction.atomic():
        for done, (line, row) in enumerate(rows, 1):
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(PROGRESS_EVERY)
            code = row.get("code", "")
            try:
                if not _CODE.match(code):
                    raise DomainError(
                        "LOCATION_CODE_INVALID", _("A code is 1 to 40 lower-case letters, digits and dashes.")
                    )
                if counts[code] > 1:
                    raise DomainError("LOCATION_CODE_DUPLICATE", _("This code is in the file more than once."))
                channel = _network(row, channels, partners)
                clean, _country = _row_values(row, channel)
            except DomainError as err:
                results.append(RowResult(line, code[:40], "error", err.code, str(err.message)))
                continue
            location = known.get(code)
            if location is None:
                known[code] = Location.objects.create(code=code, **clean)
                results.append(RowResult(line, code, "created"))
                continue
            changed = _changed(location, clean)
            if changed:
                for name in changed:
                    setattr(location, name, clean[name])
                location.save(update_fields=changed)
            results.append(RowResult(line, code, "updated" if changed else "unchanged", fields=changed))
        transaction.on_commit(locator_forget)
    if progress is not None:
        progress(len(rows) % PROGRESS_EVERY)
    return results
