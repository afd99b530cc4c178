import secrets

from django.db import transaction

from remarket.core import clock
from remarket.core.errors import DomainError

from .models import ApiToken, Role, User


def user_create(
    *,
    username: str,
    password: str,
    role: str = Role.CUSTOMER,
    email: str = "",
    merchant_id: int | None = None,
    location_id: int | None = None,
    partner_id: int | None = None,
    is_staff: bool = False,
) -> User:
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError("ACCOUNT_USERNAME_TAKEN", f"The username {username!r} is taken.")
    if email and User.objects.filter(email__iexact=email).exists():
        raise DomainError("ACCOUNT_EMAIL_TAKEN", f"An account already uses {email!r}.")
    user = User(
        username=username,
        email=email,
        role=role,
        merchant_id=merchant_id,
        location_id=location_id,
        partner_id=partner_id,
        is_staff=is_staff or role == Role.OPERATOR,
    )
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def api_token_issue(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token; the secret (32 random bytes, URL-safe) is returned once and never stored."""
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, digest=ApiToken.hash(secret), prefix=secret[:8], created_at=clock.now()
    )
    return token, secret


def api_token_user(*, secret: str) -> User | None:
    """The user a presented secret belongs to, if the token exists and is not revoked."""
    if not secret or len(secret) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user").filter(digest=ApiToken.hash(secret), revoked_at__isnull=True).first()
    )
    if token is None or not token.user.is_active:
        return None
    return token.user


def api_token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=clock.now())
