"""Counters for the parent portal's log-in limits, on Django's cache (Redis in production).

- ``ADDRESS``: failures from one client address (``core.client.client_ip``): a wrong, used
  or expired code or link, a link asked for an unknown e-mail address. A successful log-in never
  counts. Wrong passwords are counted by django-axes, per account and per address.
- ``EMAIL`` and ``FAMILY``: log-in links sent to one e-mail address and to one family, so nobody
  can flood a parent's mailbox.
A window starts with its first count. Keys are keyed hashes: no address is stored in the cache.
If the cache is unreachable nothing is counted, so a Redis outage never stops log-in.
"""

import logging

from django.core.cache import cache

from core.crypto import keyed_hash

ADDRESS, EMAIL, FAMILY = "address", "email", "family"
# kind -> (count allowed, within this many seconds)
LIMITS = {
    ADDRESS: (20, 15 * 60),
    EMAIL: (3, 15 * 60),
    FAMILY: (5, 60 * 60),
}
logger = logging.getLogger(__name__)


def _key(kind: str, value: str) -> str:
    return "portal-limit:" + keyed_hash(f"portaal:limit:{kind}:{value.strip().lower()}")


def reached(kind: str, value: str) -> bool:
    try:
        return (cache.get(_key(kind, value)) or 0) >= LIMITS[kind][0]
    except Exception as exc:  # noqa: BLE001 - any cache failure: do not count, do not refuse
        logger.warning("log-in limit not checked, cache unreachable (%s)", type(exc).__name__)
        return False


def count(kind: str, value: str) -> None:
    key, window = _key(kind, value), LIMITS[kind][1]
    try:
        if not cache.add(key, 1, window):
            cache.incr(key)
    except ValueError:  # expired between add and incr: a new window
        cache.add(key, 1, window)
    except Exception as exc:  # noqa: BLE001
        logger.warning("log-in limit not counted, cache unreachable (%s)", type(exc).__name__)
