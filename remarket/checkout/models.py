from django.db import models


class StockHold(models.Model):
    """Units an unpaid order keeps out of availability until it is paid, fails, or the hold lapses."""

    order = models.OneToOneField("orders.Order", on_delete=models.PROTECT, related_name="hold")
    expires_at = models.DateTimeField(db_index=True)
    released_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=12, blank=True)  # sold, released, expired


class Cart(models.Model):
    """A basket in one market; anonymous carts live in the session, merged into the account at login."""

    market = models.ForeignKey("markets.Market", on_delete=models.PROTECT)
    user = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.CASCADE)
    updated_at = models.DateTimeField()


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    listing = models.ForeignKey("offers.Listing", on_delete=models.CASCADE)
    quantity = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cart", "listing"], name="cart_line_once")]
