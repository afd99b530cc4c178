"""Opening hours: a weekly schedule of open-close intervals per weekday, plus exceptional closed dates.

Stored on `Location.hours` as {"mon": [["09:00", "12:30"], ["14:00", "19:00"]], ...} (local time; a weekday
missing is closed) and `Location.closed_dates` as ISO dates. Written as text in a locations CSV:
`mon-fri 09:00-19:00; sat 10:00-12:30,14:00-18:00` and `2026-12-25 2027-01-01`."""

import datetime as dt
import re

from django.utils.translation import gettext as _

from remarket.core.errors import DomainError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$|^24:00$")


def _bad(message: str, **details) -> DomainError:
    return DomainError("LOCATION_HOURS_INVALID", message, details)


def _minutes(value: str) -> int:
    if not isinstance(value, str) or not _TIME.match(value):
        raise _bad(_("A time is written HH:MM, from 00:00 to 24:00."), value=str(value)[:20])
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


def hours_validate(hours) -> dict[str, list[list[str]]]:
    """The schedule as stored, or LOCATION_HOURS_INVALID: known weekdays, each interval opening before it closes,
    a day's intervals in order and not overlapping. Days without intervals are left out."""
    if not isinstance(hours, dict):
        raise _bad(_("Opening hours are a list of intervals per weekday."))
    clean = {}
    for day, intervals in hours.items():
        if day not in DAYS:
            raise _bad(_("%(day)s is not a weekday (mon, tue, ... sun).") % {"day": str(day)[:10]}, day=str(day)[:10])
        if not isinstance(intervals, list) or len(intervals) > 6:
            raise _bad(_("A day has at most 6 opening intervals."), day=day)
        previous_close = -1
        for interval in intervals:
            if not isinstance(interval, (list, tuple)) or len(interval) != 2:
                raise _bad(_("An opening interval is an opening and a closing time."), day=day)
            opens, closes = _minutes(interval[0]), _minutes(interval[1])
            if not previous_close < opens < closes:
                raise _bad(
                    _("On %(day)s the intervals must each open before they close, in order, without overlapping.")
                    % {"day": day},
                    day=day,
                )
            previous_close = closes
        if intervals:
            clean[day] = [[a, b] for a, b in intervals]
    return {day: clean[day] for day in DAYS if day in clean}


def hours_parse(text: str) -> dict[str, list[list[str]]]:
    """`mon-fri 09:00-19:00; sat 10:00-12:30,14:00-18:00` as a schedule (validated). Empty text: always closed."""
    hours: dict[str, list[list[str]]] = {}
    for part in filter(None, (p.strip() for p in (text or "").split(";"))):
        days_text, _space, times = part.partition(" ")
        first, _dash, last = days_text.lower().partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise _bad(_("Write opening hours as: mon-fri 09:00-19:00; sat 10:00-18:00."), part=part[:40])
        start, end = DAYS.index(first), DAYS.index(last or first)
        if end < start:
            raise _bad(_("A range of days runs from Monday towards Sunday."), part=part[:40])
        intervals = []
        for interval in filter(None, (t.strip() for t in times.split(","))):
            opens, dash, closes = interval.partition("-")
            if not dash:
                raise _bad(_("Write opening hours as: mon-fri 09:00-19:00; sat 10:00-18:00."), part=part[:40])
            intervals.append([opens.strip(), closes.strip()])
        if not intervals:
            raise _bad(_("Write opening hours as: mon-fri 09:00-19:00; sat 10:00-18:00."), part=part[:40])
        for day in DAYS[start : end + 1]:
            if day in hours:
                raise _bad(_("%(day)s is given twice.") % {"day": day}, day=day)
            hours[day] = intervals
    return hours_validate(hours)


def hours_text(hours: dict) -> str:
    """The schedule as `hours_parse` reads it (consecutive days with the same intervals grouped)."""
    parts, days = [], [d for d in DAYS if d in hours]
    i = 0
    while i < len(days):
        j = i
        while (
            j + 1 < len(days)
            and DAYS.index(days[j + 1]) == DAYS.index(days[j]) + 1
            and hours[days[j + 1]] == hours[days[i]]
        ):
            j += 1
        span = days[i] if i == j else f"{days[i]}-{days[j]}"
        parts.append(f"{span} " + ",".join(f"{a}-{b}" for a, b in hours[days[i]]))
        i = j + 1
    return "; ".join(parts)


def closed_dates_parse(value) -> list[str]:
    """Closed dates from text (`2026-12-25 2027-01-01`, spaces or commas) or a list, as sorted ISO dates."""
    items = value.replace(",", " ").split() if isinstance(value, str) else value
    if not isinstance(items, list) or len(items) > 366:
        raise DomainError("LOCATION_CLOSED_DATES_INVALID", _("Closed dates are at most 366 ISO dates."))
    try:
        return sorted({dt.date.fromisoformat(str(d)).isoformat() for d in items})
    except ValueError:
        raise DomainError(
            "LOCATION_CLOSED_DATES_INVALID", _("A closed date is written YYYY-MM-DD (2026-12-25).")
        ) from None


def hours_on(hours: dict, closed_dates: list[str], day: dt.date) -> list[list[str]]:
    """The intervals a location is open on a calendar day (none on a closed date)."""
    if day.isoformat() in closed_dates:
        return []
    return hours.get(DAYS[day.weekday()], [])
