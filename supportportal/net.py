import ipaddress

from django.conf import settings


def _valid_ip(value):
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or, behind ``TRUSTED_PROXY_COUNT``
    proxies of ours, the entry the outermost of them appended to
    X-Forwarded-For. Entries further left were written by the client and are
    never trusted."""
    remote = _valid_ip(request.META.get("REMOTE_ADDR", ""))
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote
    hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if len(hops) < trusted:
        return remote
    return _valid_ip(hops[-trusted]) or remote
