"""What every audience's pages share: the actor of the request, role gates, and DomainError → page."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from remarket.accounts.permissions import Actor, allowed
from remarket.accounts.preferences import work_locale
from remarket.core.errors import DomainError


def actor(request) -> Actor:
    return Actor.of(request.user)


def forbidden(request):
    return render(
        request,
        "error.html",
        {"status": 403, "title": _("Not allowed"), "message": _("Your account cannot open this page.")},
        status=403,
    )


def requires(permission: str, *, merchant: bool = False):
    """Logged-in users holding `permission`; others go to the login page (or get 403 when logged in).
    `merchant`: a page of one merchant's back office, for its staff only (the operator holds some of the same
    permissions but belongs to no merchant: it works from /ops/ and the admin).
    The page speaks the user's language, shows money in their market's format and times in their time zone
    (accounts/preferences.py `work_locale`)."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            request.actor = actor(request)
            place = work_locale(request.user)
            request.LANGUAGE_CODE, request.money_locale, request.time_zone = place.language, place.locale, place.zone
            with translation.override(place.language), timezone.override(place.zone):
                if not allowed(request.actor, permission) or (merchant and request.actor.merchant_id is None):
                    return forbidden(request)
                return view(request, *args, **kwargs)

        return wrapper

    return decorate


def render_error(request, err: DomainError, template: str, context: dict):
    """Show a refused form again with the error's message and code, with the error's status."""
    context = {**context, "error": err}
    response = render(request, template, context, status=err.status if err.status >= 400 else 400)
    retry_after = getattr(err, "retry_after", None)  # a TooManyRequests' own attribute
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response
