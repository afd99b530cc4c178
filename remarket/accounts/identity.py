"""A customer's own account: sign-up, password reset by mail and a change of e-mail confirmed from the new address.

Customers log in with their e-mail (backends.EmailBackend). Mails leave through the outbox after commit, written
in the language the visitor was reading (their market's); the links they carry are made by the mail's handler
(handlers.py) from Django's token machinery, so no secret is stored with the event. Sign-up and reset requests are
counted per client address in the counters every process shares (core/counters.py); a reset request answers the
same whether or not the address has an account."""

from typing import cast

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _

from remarket.core.counters import counter_window_hit
from remarket.core.errors import DomainError, TooManyRequests
from remarket.events.outbox import emit

from .models import Role, User

EMAIL_CHANGE_SALT = "remarket.accounts.email-change"
EMAIL_CHANGE_MAX_AGE = 3 * 24 * 3600  # a confirmation link lasts three days
EMAIL_MAX_LENGTH = 150  # the username's length, since a customer's username is their address


def _limits() -> dict[str, int | None]:
    return cast(
        dict[str, int | None],
        settings.REMARKET.get("ACCOUNT_LIMITS", {"SIGNUP_PER_HOUR": 10, "RESET_PER_HOUR": 10}),
    )


def _throttle(*, kind: str, client_ip: str, limit: int | None) -> None:
    if limit is None:
        return
    count, retry_after = counter_window_hit(key=f"account:{kind}:ip:{client_ip}", window_seconds=3600)
    if count > limit:
        raise TooManyRequests(
            "ACCOUNT_THROTTLED", _("Too many requests from your network: try again later."), retry_after=retry_after
        )


def email_normalize(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        if len(email) > EMAIL_MAX_LENGTH:  # it is the customer's username too
            raise ValidationError("too long")
        validate_email(email)
    except ValidationError:
        raise DomainError("ACCOUNT_EMAIL_INVALID", _("Enter a valid e-mail address."), {"field": "email"}) from None
    return email


def _taken() -> DomainError:
    return DomainError(
        "ACCOUNT_EMAIL_TAKEN",
        _("An account already uses this e-mail address: log in, or reset its password."),
        {"field": "email"},
    )


def _email_free(email: str, *, except_user_id: int | None = None) -> None:
    others = User.objects.exclude(pk=except_user_id) if except_user_id is not None else User.objects.all()
    if others.filter(email__iexact=email).exists() or others.filter(username__iexact=email).exists():
        raise _taken()


def _save_unique(user: User, **save) -> None:
    """Save an account whose address was found free; two that arrive together for one address are decided by
    the database's unique indexes (user_email_unique_ci, the username's): the second is refused the same way."""
    try:
        with transaction.atomic():
            user.save(**save)
    except IntegrityError:
        raise _taken() from None


def _password_check(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as err:
        raise DomainError(
            "ACCOUNT_PASSWORD_WEAK", " ".join(str(m) for m in err.messages), {"field": "password"}
        ) from None


def customer_signup(*, email: str, password: str, first_name: str = "", last_name: str = "", client_ip: str) -> User:
    """A customer account whose login is its e-mail address. The attempt is counted first, in its own statement,
    so a refused one counts too (an address probing for taken e-mails runs into the limit)."""
    _throttle(kind="signup", client_ip=client_ip, limit=_limits().get("SIGNUP_PER_HOUR"))
    return _signup(email=email, password=password, first_name=first_name, last_name=last_name)


@transaction.atomic
def _signup(*, email: str, password: str, first_name: str, last_name: str) -> User:
    email = email_normalize(email)
    user = User(username=email, email=email, first_name=first_name.strip()[:150], last_name=last_name.strip()[:150])
    _password_check(password, user)
    _email_free(email)
    user.role = Role.CUSTOMER
    user.set_password(password)
    _save_unique(user)
    return user


def password_reset_request(*, email: str, client_ip: str, language: str) -> None:
    """Mail a reset link to the account of `email`, if there is an active one. Counted before the lookup, and
    the same silent answer either way, so nothing tells whether an address has an account."""
    _throttle(kind="reset", client_ip=client_ip, limit=_limits().get("RESET_PER_HOUR"))
    _reset_mail(email=email, language=language)


@transaction.atomic
def _reset_mail(*, email: str, language: str) -> None:
    try:
        email = email_normalize(email)
    except DomainError:
        return
    user = User.objects.filter(email__iexact=email, is_active=True).order_by("pk").first()
    if user is not None and user.has_usable_password():
        emit("account.password_reset", {"user_id": user.pk, "language": language})


def _reset_user(uidb64: str, token: str) -> User:
    user_id: int | None
    try:
        user_id = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        user_id = None
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None or not default_token_generator.check_token(user, token):
        raise DomainError(
            "ACCOUNT_RESET_LINK_INVALID",
            _("This reset link is not valid any more: it was used or it expired. Ask for a new one."),
        )
    return user


def password_reset_link_check(*, uidb64: str, token: str) -> None:
    """Refuses a link that was used or expired (before showing the form)."""
    _reset_user(uidb64, token)


@transaction.atomic
def password_reset_complete(*, uidb64: str, token: str, password: str) -> User:
    """Set a new password from a reset link; the link stops working (the token hashes the password)."""
    user = _reset_user(uidb64, token)
    _password_check(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


@transaction.atomic
def email_change_request(*, user_id: int, new_email: str, password: str, language: str) -> str:
    """Mail a confirmation link to the new address; the account keeps its address until the link is opened.
    Returns the normalised new address."""
    user = User.objects.select_for_update().get(pk=user_id)
    if not user.check_password(password):
        raise DomainError("ACCOUNT_PASSWORD_WRONG", _("Your current password is not this one."), {"field": "password"})
    new_email = email_normalize(new_email)
    if new_email == user.email.lower():
        raise DomainError("ACCOUNT_EMAIL_UNCHANGED", _("This is already your e-mail address."), {"field": "email"})
    _email_free(new_email, except_user_id=user.pk)
    emit("account.email_change", {"user_id": user.pk, "new_email": new_email, "language": language})
    return new_email


def email_change_token(*, user: User, new_email: str) -> str:
    """What the confirmation link carries: signed, with the address it replaces, so it works once."""
    return signing.dumps({"u": user.pk, "old": user.email.lower(), "new": new_email}, salt=EMAIL_CHANGE_SALT)


@transaction.atomic
def email_change_confirm(*, token: str) -> User:
    """The new address, confirmed by the link mailed to it. A customer's login follows their address."""
    invalid = DomainError(
        "ACCOUNT_EMAIL_LINK_INVALID",
        _("This confirmation link is not valid any more: it was used or it expired. Ask for a new one."),
    )
    try:
        data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_MAX_AGE)
    except signing.BadSignature:
        raise invalid from None
    user = User.objects.select_for_update().filter(pk=data.get("u"), is_active=True).first()
    if user is None or user.email.lower() != data.get("old"):
        raise invalid
    new_email = data["new"]
    _email_free(new_email, except_user_id=user.pk)
    if user.role == Role.CUSTOMER and user.username.lower() == user.email.lower():
        user.username = new_email
    user.email = new_email
    _save_unique(user, update_fields=["email", "username"])
    return user
