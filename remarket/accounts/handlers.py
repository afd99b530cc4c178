"""The account mails, sent by the worker after the request's transaction committed, in the language the visitor
was reading. Their links are made here, from the account as it is now: a reset link stops working once the
password changes, an e-mail confirmation once the address changes."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from remarket.core.i18n import site_language
from remarket.events.outbox import handles

from .identity import email_change_token
from .models import User


def _site(path: str) -> str:
    return str(settings.REMARKET.get("SITE_URL", "http://127.0.0.1:8000")).rstrip("/") + path


def _language(payload: dict) -> str:
    return site_language(payload.get("language") or settings.LANGUAGE_CODE)


@handles("account.password_reset")
def mail_password_reset(payload: dict) -> None:
    user = User.objects.filter(pk=payload["user_id"], is_active=True).first()
    if user is None or not user.email:
        return
    path = reverse(
        "password-reset-confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    with translation.override(_language(payload)):
        send_mail(
            _("Reset your remarket password"),
            _("Someone asked to reset the password of your remarket account. To choose a new one, open:")
            + f"\n\n{_site(path)}\n\n"
            + _("If it was not you, ignore this mail: your password stays as it is."),
            None,
            [user.email],
        )


@handles("account.email_change")
def mail_email_change(payload: dict) -> None:
    user = User.objects.filter(pk=payload["user_id"], is_active=True).first()
    if user is None:
        return
    path = reverse(
        "email-change-confirm", kwargs={"token": email_change_token(user=user, new_email=payload["new_email"])}
    )
    with translation.override(_language(payload)):
        send_mail(
            _("Confirm your new e-mail address"),
            _("To use this address for your remarket account, open this link within three days:")
            + f"\n\n{_site(path)}\n\n"
            + _("If you did not ask for it, ignore this mail: nothing changes."),
            None,
            [payload["new_email"]],
        )
        if user.email:
            send_mail(
                _("Your remarket e-mail address is changing"),
                _(
                    "A change of your account's e-mail address to %(email)s was asked for. It takes effect once "
                    "confirmed from that address; if it was not you, change your password."
                )
                % {"email": payload["new_email"]},
                None,
                [user.email],
            )
