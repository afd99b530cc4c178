from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from remarket.checkout.services import payment_webhook
from remarket.core.errors import DomainError
from remarket.payments.gateway import gateway


@csrf_exempt  # authenticated by the gateway's HMAC signature instead
@require_POST
def webhook(request):
    try:
        payment_webhook(body=request.body, signature=request.headers.get(gateway().signature_header, ""))
    except DomainError as err:
        return JsonResponse(err.as_dict(), status=err.status)
    return JsonResponse({"received": True})


urlpatterns = [path("webhook", webhook, name="payments-webhook")]
