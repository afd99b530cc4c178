"""Invoices and credit notes: documents issued in a merchant's name to the customer, numbered without gaps per
merchant, calendar year (in the market's time zone) and kind. Snapshots: nothing here changes once issued."""

from django.db import models
from django.db.models import Q

from remarket.markets.tax import Scheme


class Kind(models.TextChoices):
    INVOICE = "invoice", "Invoice"
    CREDIT_NOTE = "credit_note", "Credit note"


PREFIX: dict[str, str] = {Kind.INVOICE: "INV", Kind.CREDIT_NOTE: "CN"}  # by kind as stored


class InvoiceCounter(models.Model):
    """The last number used in one series; read under a row lock by the transaction that issues the next."""

    merchant = models.ForeignKey("merchants.Merchant", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["merchant", "year", "kind"], name="one_counter_per_series")]


class Invoice(models.Model):
    """An invoice of one sub-order, or a credit note (negative amounts) correcting one."""

    kind = models.CharField(max_length=12, choices=Kind.choices)
    merchant = models.ForeignKey("merchants.Merchant", on_delete=models.PROTECT, related_name="invoices")
    suborder = models.ForeignKey("orders.SubOrder", on_delete=models.PROTECT, related_name="invoices")
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="credit_notes"
    )  # a credit note's invoice
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    number = models.CharField(max_length=40, unique=True)  # INV-<merchant>-<year>-<000001>, CN-...
    issued_at = models.DateTimeField()
    issued_on = models.DateField()  # in the market's time zone
    language = models.CharField(max_length=10)  # the market's, which the document is written in
    currency = models.CharField(max_length=3)
    seller = models.JSONField()  # {"name", "country"} at issue
    buyer = models.JSONField()  # the shipping address and e-mail at issue
    net_minor = models.BigIntegerField()  # total − shown tax (margin-scheme lines count whole)
    tax_minor = models.BigIntegerField()  # VAT or sales tax shown on the document; never the margin scheme's
    total_minor = models.BigIntegerField()  # what the buyer paid (a credit note: what is given back, negative)
    taxes = models.JSONField(default=list)  # [{"scheme", "rate", "jurisdiction", "net_minor", "tax_minor"}]
    margin_scheme = models.BooleanField(default=False)  # some lines are sold under the margin scheme

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["merchant", "kind", "year", "sequence"], name="invoice_number_once"),
            models.UniqueConstraint(fields=["suborder"], condition=Q(kind="invoice"), name="one_invoice_per_suborder"),
            models.CheckConstraint(
                condition=Q(kind="credit_note", total_minor__lte=0, corrects__isnull=False)
                | Q(kind="invoice", total_minor__gte=0, corrects__isnull=True),
                name="invoice_sign_by_kind",
            ),
        ]
        indexes = [models.Index(fields=["merchant", "issued_at"])]


class InvoiceLine(models.Model):
    """One line of a document as issued: an order line or the shipping."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    order_line = models.ForeignKey(
        "orders.OrderLine", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # empty for shipping
    title = models.CharField(max_length=200)
    quantity = models.IntegerField()  # negative on a credit note
    unit_price_minor = models.BigIntegerField()  # as shown at checkout: VAT inside, US sales tax not
    total_minor = models.BigIntegerField()  # unit price × quantity, as shown
    tax_scheme = models.CharField(max_length=10, choices=Scheme.choices)  # markets/tax.py
    tax_rate = models.DecimalField(max_digits=6, decimal_places=5, null=True, blank=True)  # empty: not shown
    tax_jurisdiction = models.CharField(max_length=12, blank=True)
    tax_minor = models.BigIntegerField(default=0)  # shown tax; 0 under the margin scheme
    paid_minor = models.BigIntegerField()  # what the buyer paid for the line, tax included

    class Meta:
        ordering = ["invoice", "position"]
        constraints = [models.UniqueConstraint(fields=["invoice", "position"], name="invoice_line_position")]


class InvoiceUpload(models.Model):
    """The merchant's own invoice of a sub-order (a PDF sent through /ws/), which replaces ours for the customer.
    Kept in the database: app servers hold no state."""

    suborder = models.OneToOneField("orders.SubOrder", on_delete=models.PROTECT, related_name="invoice_upload")
    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
