"""Who may do what: the one place where roles meet permissions and tenancy.

Every interface resolves its caller to an `Actor` and asks `require(actor, permission)`; scoping
queries to the actor's merchant or location is done by the selectors that take the actor too
(`suborder_for_actor`, `orderline_for_actor` in orders/selectors.py, `return_lines_for_merchant` in
aftersales/selectors.py...): another merchant's row is "not found"."""

import hashlib
from dataclasses import dataclass

from django.utils.translation import gettext as _

from remarket.core.errors import DomainError, Forbidden

from .models import Role

PERMISSIONS: dict[str, frozenset[str]] = {
    Role.CUSTOMER: frozenset({"cart.use", "order.view_own", "buyback.sell"}),
    Role.MERCHANT: frozenset(
        {
            "listing.view",
            "listing.write",
            "order.view_merchant",
            "order.fulfil",
            "statement.view_own",
            "report.view",
            "webhook.manage",
            "buyback.manage",
        }
    ),
    Role.CLERK: frozenset({"pos.sell", "pos.view_stock", "cart.use", "pickup.handle", "buyback.counter"}),
    Role.PARTNER: frozenset({"partner.report", "statement.view_partner", "report.view", "webhook.manage"}),
    Role.OPERATOR: frozenset(
        {
            "ops.dashboard",
            "report.view",
            "listing.view",
            "order.view_all",
            "catalog.write",
            "merchant.manage",
            "finance.view",
            "payout.run",
            "events.manage",
            "claim.decide",
        }
    ),
}


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    role: str
    merchant_id: int | None = None
    location_id: int | None = None
    partner_id: int | None = None
    via_token: bool = False
    session: str = ""  # a guest's web session, as a digest (the key itself opens the session)

    @property
    def scope(self) -> str:
        """Identifies the caller for idempotency keys: a user, or a guest's own session. A guest without a session
        has nothing of its own to scope a key by, and sharing one scope between guests would replay one guest's
        answer to another: refused."""
        if self.user_id:
            return f"user:{self.user_id}"
        if self.session:
            return f"session:{self.session}"
        raise DomainError(
            "IDEMPOTENCY_KEY_UNSCOPED",
            _(
                "An Idempotency-Key needs a caller to belong to: send an API token, or the session "
                "cookie of your first answer."
            ),
        )

    @classmethod
    def of(cls, user, *, via_token: bool = False, session_key: str = "") -> "Actor":
        if user is None or not user.is_authenticated:
            session = hashlib.sha256(session_key.encode()).hexdigest()[:32] if session_key else ""
            return cls(user_id=None, role=Role.CUSTOMER, session=session)
        role = Role.OPERATOR if user.is_superuser else user.role
        return cls(
            user_id=user.pk,
            role=role,
            merchant_id=user.merchant_id,
            location_id=user.location_id,
            partner_id=user.partner_id,
            via_token=via_token,
        )


def allowed(actor: Actor, permission: str) -> bool:
    return permission in PERMISSIONS.get(actor.role, frozenset())


def require(actor: Actor, permission: str) -> None:
    if not allowed(actor, permission):
        raise Forbidden("AUTH_FORBIDDEN", _("You are not allowed to do this."), {"permission": permission})
