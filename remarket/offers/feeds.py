"""Listing feeds: a CSV batch (the `/ws/` catalog, a back-office upload, the CLI) kept as a `FeedTask`, then
parsed into `ListingRow`s and applied by the worker through `listings_apply`, with one result per line.

Reading is forgiving about form and strict about content: a BOM, UTF-8 / UTF-16 / Latin-1 (Windows-1252)
bytes, `;` or `,` (or tab) separators found from the header, decimal commas and thousands separators in prices,
columns in any order and any case. A bad row (unknown SKU or product, numeric or STALLONE grade, bad price...)
is reported with a stable code and its line number and changes nothing; the other rows apply. Replaying a feed
changes nothing more, and a redelivered event does not run it twice."""

import codecs
import csv
import io
import math
import uuid
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db import transaction

from remarket.catalog.grades import CONTRACT_CODES, grade_parse
from remarket.catalog.models import Variant
from remarket.core import clock
from remarket.core.errors import DomainError
from remarket.events.outbox import emit, handles
from remarket.markets.models import Market
from remarket.merchants.models import Merchant

from .bulk import listing_ids
from .models import FeedTask
from .services import ListingRow, ShippingRow, listings_apply

TOPIC = "offers.feed_received"
DELIMITERS = (";", ",", "\t", "|")  # ';' first: the contract's required separator wins a tie
SHIPPING_SLOTS = (1, 2, 3)
SHIPPING_COLUMNS = {f"{name}_{n}" for n in SHIPPING_SLOTS for name in ("shipper", "shipping_price", "shipping_delay")}
SHIPPING_KEYS = tuple((n, f"shipper_{n}", f"shipping_price_{n}", f"shipping_delay_{n}") for n in SHIPPING_SLOTS)
COLUMNS = {
    "sku",
    "product_id",
    "backmarket_id",
    "ean",
    "quantity",
    "price",
    "min_price",
    "max_price",
    "state",
    "grade",
    "warranty_delay",
    "comment",
    "pub_state",
    "publication_state",
    "currency",
    # remarket's own, optional: the EU margin scheme per listing (REGULAR or MARGINAL, as the contract's
    # vat_type) and the unit's purchase price it needs
    "vat_type",
    "purchase_price",
} | SHIPPING_COLUMNS
STATE_GRADES = {legacy: grade for grade, (legacy, _) in CONTRACT_CODES.items()} | {4: "STALLONE"}
PUBLISHED, PUB_STATES = 2, {0, 1, 2, 3, 4}


def max_rows() -> int:
    return int(getattr(settings, "FEED_MAX_ROWS", 15_000))  # the contract's limit per catalog


# ---- reading ---------------------------------------------------------------------------------------------


def feed_decode(data: bytes, encoding: str | None = None) -> str:
    """Bytes to text: a BOM decides, then the declared encoding, then UTF-16 (NUL bytes), UTF-8, and finally
    Windows-1252 / Latin-1, which every byte string decodes as."""
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec)
    guesses = [encoding] if encoding else []
    head = data[:2000]
    if b"\x00" in head:
        guesses.append("utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be")
    for codec in [*guesses, "utf-8", "cp1252"]:
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("latin-1")


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[tuple[int, list[str]]]  # (line number in the file, fields), blank lines skipped
    delimiter: str


def _header_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line
    raise DomainError("FEED_EMPTY", "The catalog is empty: send a header line (sku;quantity;price...) and rows.")


def _columns(line: str, delimiter: str, quotechar: str) -> list[str]:
    return [
        c.strip().strip("\ufeff").lower() for c in next(csv.reader([line], delimiter=delimiter, quotechar=quotechar))
    ]


def feed_table(text: str, *, quotechar: str = '"', limit: int | None = -1) -> Table:
    """The header and the data rows of a CSV text, the separator being the one that splits the header into the
    most known columns. Raises FEED_* errors for a feed that cannot be read at all."""
    text = text.lstrip("\ufeff")
    header = _header_line(text)
    delimiter = max(
        DELIMITERS,
        key=lambda d: (
            len(COLUMNS.intersection(_columns(header, d, quotechar))),
            len(_columns(header, d, quotechar)),
            -DELIMITERS.index(d),
        ),
    )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar=quotechar)
    columns: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    last = 0
    try:
        for fields in reader:
            start, last = last + 1, reader.line_num
            if not (fields and (fields[0].strip() or "".join(fields).strip())):  # a blank line
                continue
            if columns is None:
                columns = [c.strip().strip("\ufeff").lower() for c in fields]
            else:
                rows.append((start, fields))
    except csv.Error as err:
        raise DomainError("FEED_CSV_INVALID", f"Line {reader.line_num}: {err}.", {"line": reader.line_num}) from None
    if columns is None:  # every line was separators only (";;;"): no header after all
        raise DomainError("FEED_EMPTY", "The catalog is empty: send a header line (sku;quantity;price...) and rows.")
    duplicated = sorted({c for c in columns if c and columns.count(c) > 1})
    if duplicated:
        raise DomainError("FEED_COLUMN_DUPLICATED", f"Columns appear twice: {', '.join(duplicated)}.")
    if "sku" not in columns:
        raise DomainError(
            "FEED_SKU_COLUMN_MISSING", "The header has no sku column: every row names its listing by SKU."
        )
    if not rows:
        raise DomainError("FEED_EMPTY", "The catalog has a header but no rows.")
    limit = max_rows() if limit == -1 else limit  # None: no limit (the CLI bulk import)
    if limit is not None and len(rows) > limit:
        raise DomainError(
            "FEED_TOO_MANY_LINES",
            f"The catalog has {len(rows)} rows; the limit is {limit}.",
            {"rows": len(rows), "limit": limit},
        )
    return Table(columns, rows, delimiter)


def amount_text(value) -> str | None:
    """A price as written by people and spreadsheets ("1 199,90 €", "1,199.90") as plain decimal text."""
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    plain = text.strip()
    if plain.isascii() and plain.replace(".", "", 1).isdigit():  # "199.90": nothing to clean (most rows)
        return plain
    return _amount_text(text)


@lru_cache(maxsize=65_536)  # feeds repeat the same few thousand prices
def _amount_text(text: str) -> str:
    text = text.strip()
    for junk in (" ", "\u00a0", "\u202f", "€", "$", "£", "¥"):
        text = text.replace(junk, "")
    if "," in text and "." in text:  # the last one is the decimal separator
        text = text.replace(",", "") if text.rfind(".") > text.rfind(",") else text.replace(".", "").replace(",", ".")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    return text


# ---- rows ------------------------------------------------------------------------------------------------


@dataclass
class _Known:
    """What the rows refer to, fetched once per feed: the merchant's listings (SKU → id) and the products
    named by product_id, backmarket_id or ean."""

    listings: dict[str, int]
    by_public_id: dict[str, int]
    by_pk: set[int]
    by_ean: dict[str, int]


def _known(records: list[dict], merchant: Merchant) -> _Known:
    skus = {r.get("sku") or "" for r in records} - {""}  # as sent: the database folds their case
    listings = {sku.lower(): pk for pk, sku in listing_ids(merchant.pk, sorted(skus))}
    public_ids = sorted({u for r in records if (u := _uuid(r.get("product_id"))) is not None})
    pks = sorted({n for r in records if (n := _int(r.get("backmarket_id"))) is not None})
    eans = sorted({r["ean"] for r in records if r.get("ean")})
    by_public_id: dict[str, int] = {}
    by_pk: set[int] = set()
    by_ean: dict[str, int] = {}
    for start in range(0, max(len(public_ids), len(pks), len(eans)), 2000):
        by_public_id.update(
            (str(p), pk)
            for pk, p in Variant.objects.filter(public_id__in=public_ids[start : start + 2000]).values_list(
                "pk", "public_id"
            )
        )
        by_pk.update(Variant.objects.filter(pk__in=pks[start : start + 2000]).values_list("pk", flat=True))
        by_ean.update(
            (e, pk) for pk, e in Variant.objects.filter(ean__in=eans[start : start + 2000]).values_list("pk", "ean")
        )
    return _Known(listings, by_public_id, by_pk, by_ean)


def _uuid(value) -> str | None:
    try:
        return str(uuid.UUID(str(value))) if value else None
    except ValueError:
        return None


def _int(value) -> int | None:
    try:
        return int(str(value).strip()) if value not in (None, "") else None
    except ValueError:
        return None


def _grade(record: dict) -> str | None:
    if record.get("grade") is not None:
        return grade_parse(record["grade"]).value
    if record.get("state") is None:
        return None
    state = _int(record["state"])
    if state not in STATE_GRADES:
        raise DomainError(
            "CATALOG_STATE_UNKNOWN",
            f"State {record['state']!r} is not a legacy grade code "
            f"({', '.join(str(s) for s in sorted(STATE_GRADES))}); prefer the grade column.",
        )
    return grade_parse(STATE_GRADES[state]).value


def _variant(record: dict, known: _Known) -> int | None:
    """The product a row names (product_id prevails over backmarket_id, then ean), None if it names none."""
    if record.get("product_id") is not None:
        variant = known.by_public_id.get(_uuid(record["product_id"]) or "")
    elif record.get("backmarket_id") is not None:
        variant = _int(record["backmarket_id"])
        variant = variant if variant in known.by_pk else None
    elif record.get("ean") is not None:
        variant = known.by_ean.get(record["ean"])
    else:
        return None
    if variant is None:
        named = record.get("product_id") or record.get("backmarket_id") or record.get("ean")
        raise DomainError("OFFER_VARIANT_UNKNOWN", f"Unknown product {named!r}.")
    return variant


def shipping_rows(values: dict) -> list[ShippingRow] | None:
    """The contract's `shipper_n` / `shipping_price_n` / `shipping_delay_n` (hours) fields as shipping
    options (delays in business days, rounded up), or None when the row names no shipper."""
    options = []
    for n, carrier_key, price_key, delay_key in SHIPPING_KEYS:  # keys built once: this runs for every row
        carrier = values.get(carrier_key)
        if carrier is None or carrier == "":
            continue
        hours = values.get(delay_key)
        delay = _int(hours)  # None for no delay given as for a delay that is not a number
        if hours not in (None, "") and delay is None:
            raise DomainError("OFFER_SHIPPING_INVALID", f"shipping_delay_{n} {hours!r} is not a number of hours.")
        price = amount_text(values.get(price_key))
        options.append(
            ShippingRow(
                carrier=str(carrier),
                price=price or 0,
                delay_days=3 if delay is None else math.ceil(delay / 24),
            )
        )
    return options or None


def _row(record: dict, known: _Known, market: Market) -> ListingRow:
    sku = record.get("sku") or ""
    grade = _grade(record)
    variant = _variant(record, known)
    if sku and variant is None and sku.lower() not in known.listings:
        raise DomainError(
            "OFFER_SKU_UNKNOWN",
            f"SKU {sku} is not one of your listings: to create it, give its "
            "product_id (or backmarket_id, or ean), grade, price and quantity.",
        )
    currency = record.get("currency")
    if currency is not None and currency.upper() != market.currency:
        raise DomainError(
            "OFFER_CURRENCY_MISMATCH", f"Prices in {market.code} are in {market.currency}, not {currency}."
        )
    pub_state = record.get("pub_state", record.get("publication_state"))
    if pub_state is not None and _int(pub_state) not in PUB_STATES:
        raise DomainError(
            "OFFER_PUB_STATE_INVALID",
            f"pub_state {pub_state!r} is not one of 0, 1, 2, 3, 4 "
            "(2 puts the listing online, the others take it offline).",
        )
    return ListingRow(
        sku=sku,
        market=market.code,
        price=amount_text(record.get("price")),
        quantity=record.get("quantity"),
        variant_id=variant,
        grade=grade,
        min_price=amount_text(record.get("min_price")),
        max_price=amount_text(record.get("max_price")),
        published=None if pub_state is None else _int(pub_state) == PUBLISHED,
        warranty_months=record.get("warranty_delay"),
        comment=record.get("comment"),
        shipping=shipping_rows(record),
        vat_scheme=record.get("vat_type"),
        purchase_price=amount_text(record.get("purchase_price")),
    )


def _records(table: Table) -> list[tuple[int, dict | None]]:
    """Each data row as {column: value or None}; None for a row whose field count does not fit the header."""
    width = len(table.columns)
    known = [(i, c) for i, c in enumerate(table.columns) if c in COLUMNS]  # unknown columns are ignored
    out: list[tuple[int, dict | None]] = []
    for line, fields in table.rows:
        if len(fields) != width and (len(fields) < width or "".join(fields[width:]).strip()):
            out.append((line, None))
            continue
        out.append((line, {c: (fields[i].strip() or None) for i, c in known}))
    return out


def feed_apply(
    *,
    merchant: Merchant,
    market: Market,
    table: Table,
    deferred_variants: set[int] | None = None,
    replayable: bool = False,
) -> list[dict]:
    """Apply a parsed feed; one result {line, sku, status, code, message} per data row, in file order, the
    status being created, updated, unchanged or error. With `deferred_variants`, the search index is not told
    of the changes: the variants whose offers changed are added to the set, and the caller emits
    `search.changed` for them once (the CLI bulk import, which applies a file in many calls). `replayable`: see
    `listings_apply` (the CLI, whose file can be applied again)."""
    records = _records(table)
    known = _known([r for _, r in records if r], merchant)
    results: dict[int, dict] = {}
    rows, lines = [], []
    width = len(table.columns)
    for line, record in records:
        if record is None:
            results[line] = _result(
                line, "", "error", "FEED_ROW_MALFORMED", f"Line {line} does not have the header's {width} fields."
            )
            continue
        try:
            rows.append(_row(record, known, market))
            lines.append(line)
        except DomainError as err:
            results[line] = _result(line, record.get("sku") or "", "error", err.code, str(err.message))
    applied = (
        listings_apply(
            merchant=merchant, rows=rows, search_deferred=deferred_variants is not None, replayable=replayable
        )
        if rows
        else None
    )
    if applied and deferred_variants is not None:
        deferred_variants.update(applied.variant_ids)
    failed = {e.index: e for e in applied.errors} if applied else {}
    unchanged = set(applied.unchanged) if applied else set()
    seen = set(known.listings)
    for index, (line, row) in enumerate(zip(lines, rows)):
        if index in failed:
            results[line] = _result(line, row.sku, "error", failed[index].code, failed[index].message)
            continue
        key = row.sku.strip().lower()
        if key not in seen:
            status = "created"
            seen.add(key)
        else:
            status = "unchanged" if known.listings.get(key) in unchanged else "updated"
        results[line] = _result(line, row.sku, status)
    return [results[line] for line in sorted(results)]


def _result(line: int | None, sku: str, status: str, code: str | None = None, message: str = "") -> dict:
    return {"line": line, "sku": sku, "status": status, "code": code, "message": message}


# ---- tasks -----------------------------------------------------------------------------------------------


def feed_task_create(
    *, merchant: Merchant, market_code: str, text: str, quotechar: str = '"', source: str = "ws"
) -> FeedTask:
    """Check that a feed can be read, keep it as a pending task and ask the worker to apply it."""
    if not merchant.can_sell:
        raise DomainError(
            "MERCHANT_CANNOT_PUBLISH", f"{merchant.name} is {merchant.status} and cannot publish listings.", status=403
        )
    table = feed_table(text, quotechar=quotechar)
    if quotechar != '"':  # the task keeps no dialect: store the rows in the standard one
        out = io.StringIO()
        csv.writer(out, delimiter=table.delimiter, lineterminator="\n").writerows(
            [table.columns, *(fields for _, fields in table.rows)]
        )
        text = out.getvalue()
    with transaction.atomic():
        task = FeedTask.objects.create(
            merchant=merchant,
            source=source,
            market_code=market_code,
            payload=text,
            total_rows=len(table.rows),
            created_at=clock.now(),
        )
        emit(TOPIC, {"task_id": task.pk})
    return task


def feed_task_process(*, task_id: int) -> FeedTask:
    """Apply a pending task's rows and record the results; a task already processed is left as it is."""
    with transaction.atomic():
        task = FeedTask.objects.select_for_update().select_related("merchant").get(pk=task_id)
        if task.status != FeedTask.Status.PENDING:
            return task
        try:
            with transaction.atomic():
                market = Market.objects.filter(code=task.market_code).first()
                if market is None:
                    raise DomainError("OFFER_MARKET_UNKNOWN", f"Unknown market {task.market_code!r}.")
                results = feed_apply(merchant=task.merchant, market=market, table=feed_table(task.payload))
        except DomainError as err:
            task.status, task.error_rows = FeedTask.Status.FAILED, task.total_rows
            task.results = [_result(None, "", "failed", err.code, str(err.message))]
        else:
            task.status = FeedTask.Status.DONE
            task.results = results
            task.applied_rows = sum(r["status"] != "error" for r in results)
            task.error_rows = len(results) - task.applied_rows
            task.total_rows = len(results)
        task.finished_at = clock.now()
        task.save()
    return task


@handles(TOPIC)
def feed_task_on_received(payload: dict) -> None:
    feed_task_process(task_id=payload["task_id"])
