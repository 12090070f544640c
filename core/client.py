"""The client's address: the one helper for everything that keys on an address (log-in limits).

Behind ``TRUSTED_PROXY_COUNT`` reverse proxies (the TLS proxy of docker-compose.yml is one),
``REMOTE_ADDR`` is the nearest proxy, the same for every visitor. Each proxy appends the address
it was connected from to ``X-Forwarded-For``, so the client is the entry the outermost trusted
proxy appended: the ``TRUSTED_PROXY_COUNT``-th from the right. Entries to its left were written by
the client and are never trusted. With no trusted proxy (the default) the header is ignored.
"""

import ipaddress

from django.conf import settings


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < count:  # did not come through every trusted proxy
        return remote
    return _valid(hops[-count]) or remote
