"""What the interfaces read of an HTTP request the same way everywhere."""

from django.conf import settings


def client_ip(request) -> str:
    """The client's address. Behind `REMARKET["TRUSTED_PROXIES"]` proxies (each appending to X-Forwarded-For),
    the address the outermost trusted one saw; entries further left are the client's own say and not trusted."""
    proxies = settings.REMARKET["TRUSTED_PROXIES"]
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies][:45]
    return request.META.get("REMOTE_ADDR", "")[:45]


def session_key(request, *, create: bool = False) -> str:
    """The web session's key ("" without one); `create` makes the session exist so that it has a key."""
    session = getattr(request, "session", None)
    if session is None:
        return ""
    if create and not session.session_key:
        session.save()
    return session.session_key or ""
