from django.shortcuts import render
from django.utils.translation import gettext as _


def not_found(request, exception=None):
    return render(
        request,
        "error.html",
        {
            "status": 404,
            "title": _("Page not found"),
            "message": _("There is nothing at this address. Check the link, or start again from the home page."),
        },
        status=404,
    )


def server_error(request):
    return render(
        request,
        "error.html",
        {
            "status": 500,
            "title": _("Something went wrong"),
            "message": _("We could not finish this request. Nothing was charged twice; try again in a minute."),
        },
        status=500,
    )
