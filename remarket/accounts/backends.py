"""Customers log in with their e-mail address; staff keep their usernames. django-axes' backend stands before
this one (settings AUTHENTICATION_BACKENDS), so its lockout counts every attempt, by e-mail or by username."""

from django.contrib.auth.backends import ModelBackend

from .models import User


class EmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or "@" not in username or password is None:
            return None
        user = User.objects.filter(email__iexact=username.strip()).order_by("pk").first()
        if user is None:
            User().set_password(password)  # the same work as a known address: timing tells nothing
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def lockout_username(request, credentials: dict | None = None) -> str:
    """The name django-axes counts failures under: as typed, trimmed and lower-cased, so `Ada@Example.com` and
    `ada@example.com` share one count."""
    source = credentials if credentials else getattr(request, "POST", {})
    return str((source or {}).get("username") or "").strip().lower()
