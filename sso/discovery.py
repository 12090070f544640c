"""A provider's endpoints, read from its issuer's discovery document and kept for an hour."""

from django.conf import settings
from django.core.cache import cache

import requests

DISCOVERY_TTL = 3600


class DiscoveryError(Exception):
    pass


def endpoints(issuer: str) -> dict:
    key = f"sso:discovery:{issuer}"
    found = cache.get(key)
    if found is None:
        url = issuer.rstrip("/") + "/.well-known/openid-configuration"
        try:
            response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
            response.raise_for_status()
            found = response.json()
        except (requests.RequestException, ValueError) as error:
            raise DiscoveryError(type(error).__name__) from error
        if found.get("issuer", "").rstrip("/") != issuer.rstrip("/"):
            raise DiscoveryError("issuer mismatch")
        cache.set(key, found, DISCOVERY_TTL)
    return found
