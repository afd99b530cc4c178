from django.db import models


class StockHold(models.Model):
    """Units an unpaid order keeps out of availability until it is paid, fails, or the hold lapses."""

    order = models.OneToOneField("orders.Order", on_delete=models.PROTECT, related_name="hold")
    expires_at = models.DateTimeField(db_index=True)
    released_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=12, blank=True)  # sold, released, expired
