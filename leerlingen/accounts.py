"""The one password backend of the product, and the refusals feature apps add to it.

Staff and portal accounts log in with Django's password check. A feature app may refuse a
password for some accounts (single sign-on only boards, ``sso``) by registering a check in its
``AppConfig.ready()``; the register knows no feature app (DESIGN.md §1).

Django loads a logged-in user through the backend that logged them in, on every request: an
account a check refuses also loses a session it made earlier with its password.
"""

from collections.abc import Callable

from django.contrib.auth.backends import ModelBackend

BACKEND = "leerlingen.accounts.AccountBackend"

_refusals: list[Callable[[object], bool]] = []


def refuse_password_when(check: Callable[[object], bool]) -> None:
    """Register ``check(user) -> bool``: True refuses the account's password (and its sessions)."""
    if check not in _refusals:
        _refusals.append(check)


class AccountBackend(ModelBackend):
    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and not any(check(user) for check in _refusals)
