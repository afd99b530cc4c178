"""Which summarised history each demo scale adds (demo/scale.py makes it, demo/scale_load.py writes it).

- default: the two years before the demo's year of orders, at the volume those orders are of the reference's
  curve, so that the dashboard's year-on-year figures have three years to compare;
- backmarket: the reference marketplace since January 2014, at `fraction` of its volume (1 by default: ≈ 30 M
  order lines), with 1,800 merchants."""

from collections.abc import Callable

from django.utils.translation import gettext as _

from remarket.analytics.models import LoadChunk, SaleFact
from remarket.core import clock
from remarket.core.errors import Conflict, DomainError

from .scale import FIRST_MONTH, month_add
from .scale_load import LoadResult, history_load, standard_fraction

SCALES = {"default", "backmarket"}
BACKMARKET_MERCHANTS = 1800
STANDARD_YEARS = 2


def demo_history(
    *, scale: str, fraction: float = 1.0, seed: int = 1, progress: Callable[[int, int], None] | None = None
) -> LoadResult:
    if scale not in SCALES:
        raise DomainError("DEMO_SCALE_UNKNOWN", _("The scale is default or backmarket."), {"scale": scale})
    if not 0 < fraction <= 1:
        raise DomainError("DEMO_FRACTION_INVALID", _("The fraction is above 0 and at most 1."), {"fraction": fraction})
    this_month = clock.now().date().replace(day=1)
    key = f"backmarket-{fraction:g}" if scale == "backmarket" else "default"
    other = LoadChunk.objects.exclude(scale=key).values_list("scale", flat=True).first()
    if other:
        raise Conflict(
            "DEMO_HISTORY_EXISTS",
            _("This database holds another generated history (%(other)s); `remarket demo --force` starts afresh.")
            % {"other": other},
        )
    if scale == "backmarket":
        return history_load(
            scale=key,
            fraction=fraction,
            since=FIRST_MONTH,
            until=month_add(this_month, 1),
            seed=seed,
            merchants=BACKMARKET_MERCHANTS,
            progress=progress,
        )
    first = SaleFact.objects.filter(order_line__isnull=False).order_by("month").values_list("month", flat=True).first()
    if first is None:
        return LoadResult(0, 0, 0, 0)
    whole = month_add(first, 1)  # the orders' first month is partial
    return history_load(
        scale="default",
        fraction=standard_fraction(first_real=whole, until=this_month),
        since=month_add(first, -12 * STANDARD_YEARS),
        until=first,
        seed=seed,
        progress=progress,
    )
