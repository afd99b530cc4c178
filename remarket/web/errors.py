from django.shortcuts import render


def not_found(request, exception=None):
    return render(
        request,
        "error.html",
        {
            "status": 404,
            "title": "Page not found",
            "message": "There is nothing at this address. Check the link, or start again from the home page.",
        },
        status=404,
    )


def server_error(request):
    return render(
        request,
        "error.html",
        {
            "status": 500,
            "title": "Something went wrong",
            "message": "We could not finish this request. Nothing was charged twice; try again in a minute.",
        },
        status=500,
    )
