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


def address_block(ip: str | None) -> str:
    """What per-address limits count: an IPv4 address as it is, an IPv6 address as
    its /64 network (``2001:db8:1:2::/64``), since a subscriber gets a whole /64
    and may use any address in it. An IPv4-mapped IPv6 address is its IPv4.
    Empty for no or unreadable address."""
    try:
        address = ipaddress.ip_address((ip or "").strip())
    except ValueError:
        return ""
    if address.version == 6 and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)
