"""`/account/preferences/`: the language and time zone of the back offices (merchant, till, partner, operator).
The rule of what applies when nothing is chosen is accounts/preferences.py's; this page parses the form and
calls its one service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from remarket.accounts.preferences import home_market, shipped_languages, time_zones, user_preferences_set, work_locale
from remarket.core.errors import DomainError
from remarket.web.common import render_error


def _back(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else ""


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    """GET: the form. POST: `language` and/or `time_zone` (empty: the home market's), then back to `next`."""
    place = work_locale(request.user)
    with translation.override(place.language), timezone.override(place.zone):
        market = home_market(request.user)
        context = {
            "languages": shipped_languages(),
            "zones": time_zones(),
            "place": place,
            "market": market,
            "next": _back(request),
        }
        if request.method != "POST":
            return render(request, "accounts/preferences.html", context)
        form = request.POST
        try:
            user_preferences_set(
                user_id=request.user.pk,
                language=form.get("language") if "language" in form else None,
                time_zone=form.get("time_zone") if "time_zone" in form else None,
            )
        except DomainError as err:
            return render_error(request, err, "accounts/preferences.html", context)
        request.user.refresh_from_db(fields=["language", "time_zone"])
        place = work_locale(request.user)
    with translation.override(place.language):
        messages.success(request, _("Your preferences are saved."))
    return redirect(_back(request) or "account-preferences")
