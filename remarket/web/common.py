"""What every audience's pages share: the actor of the request, role gates, and DomainError → page."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from remarket.accounts.permissions import Actor, allowed
from remarket.core.errors import DomainError


def actor(request) -> Actor:
    return Actor.of(request.user)


def requires(permission: str):
    """Logged-in users holding `permission`; others go to the login page (or get 403 when logged in)."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            request.actor = actor(request)
            if not allowed(request.actor, permission):
                return render(
                    request,
                    "error.html",
                    {"status": 403, "title": "Not allowed", "message": "Your account cannot open this page."},
                    status=403,
                )
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
