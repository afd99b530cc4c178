"""CSV exports of the ledger, shared by the merchant back office and the operator's finance pages. Every cell
goes through `csv_cell`: amounts are written as numbers, text that a spreadsheet would run as a formula
(a merchant's name or an order memo starting with "=") is written as text."""

import csv

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from remarket.core.money import to_major
from remarket.core.text import csv_cell


def period_refused(request, err) -> HttpResponse:
    """A period that is not a month (YYYY-MM): the error page, 400."""
    return render(
        request, "error.html", {"status": 400, "title": _("Wrong period"), "message": err.message}, status=400
    )


def csv_response(filename: str, header: list[str], rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow([csv_cell(name) for name in header])
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return response


def statement_rows(statement):
    """A statement as accounting lines: opening, every movement, closing — amounts in major units."""
    major = lambda minor: to_major(minor, statement.currency)  # noqa: E731  (a Decimal: written as a number)
    yield [statement.start.isoformat(), "opening", "", "", "", major(statement.opening_minor), statement.currency, ""]
    for l in statement.lines:
        yield [
            l.at.isoformat(),
            l.kind,
            l.line,
            l.order_id or "",
            l.suborder_id or "",
            major(l.amount_minor),
            statement.currency,
            l.memo,
        ]
    yield [statement.end.isoformat(), "closing", "", "", "", major(statement.closing_minor), statement.currency, ""]


STATEMENT_HEADER = ["at", "kind", "line", "order", "suborder", "amount", "currency", "memo"]
