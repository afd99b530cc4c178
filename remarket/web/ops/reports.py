"""The GMV report page and its CSV export: the analytics reports (remarket/analytics/reports.py) for a period and
dimensions, in the viewer's scope (the operator's marketplace, a merchant's or a partner's own slice)."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from remarket.analytics.labels import column_label
from remarket.analytics.reports import DIMENSIONS, dimensions_parse, gmv_report, period_parse, report_table
from remarket.core import clock
from remarket.core.errors import DomainError
from remarket.core.replica import replica_reads
from remarket.web.common import requires
from remarket.web.finance import csv_response


def _asked(request):
    year = clock.now().year
    period_text = request.GET.get("period") or str(year)
    by_text = request.GET.get("by", "country,channel")
    return (
        period_text,
        by_text,
        gmv_report(actor=request.actor, period=period_parse(period_text), by=dimensions_parse(by_text)),
    )


@requires("report.view")
@replica_reads
def gmv(request):
    try:
        period_text, by_text, report = _asked(request)
    except DomainError as err:
        return render(
            request,
            "ops/reports.html",
            {
                "error": err,
                "period": request.GET.get("period", ""),
                "by": request.GET.get("by", ""),
                "dims": DIMENSIONS,
            },
            status=400,
        )
    header, rows = report_table(report)
    return render(
        request,
        "ops/reports.html",
        {
            "report": report,
            "header": [column_label(h) for h in header],
            "rows": rows,
            "period": period_text,
            "by": by_text,
            "dims": DIMENSIONS,
        },
    )


@requires("report.view")
@replica_reads
def gmv_csv(request):
    try:
        report = _asked(request)[2]
    except DomainError as err:
        return render(
            request, "error.html", {"status": 400, "title": _("Report refused"), "message": err.message}, status=400
        )
    header, rows = report_table(report)
    return csv_response(f"gmv-{report.period.label}.csv", header, rows)
