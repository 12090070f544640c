"""The generic half of access: the rule hook every scoped queryset uses, and history by the
same rule.

What a role reaches (the scope of grants on boards, schools and groups) is the register's and
lives in ``leerlingen.access``; this module knows nothing of schools (DESIGN.md §1, §3).
"""

from functools import reduce
from operator import or_

from django.db import models
from django.db.models import Q


def any_of(*conditions: Q) -> Q | None:
    """OR the conditions that can match; None when none can (an empty id list)."""
    kept = [c for c in conditions if c is not None]
    return reduce(or_, kept) if kept else None


def within(field_name: str, ids) -> Q | None:
    return Q(**{f"{field_name}__in": sorted(ids)}) if ids else None


def is_anonymous(user) -> bool:
    return user is None or not user.is_authenticated or not user.is_active


class ScopedQuerySet(models.QuerySet):
    """The base of every scoped queryset: ``visible_to(user)`` decides the shared part once (no
    one without an active account sees anything; a superuser sees everything) and asks the
    model's ``rule(user)`` for the rest. A subclass defines only ``rule``."""

    def rule(self, user) -> Q | None:
        """What an active, non-superuser ``user`` may see, as a condition; None when nothing."""
        raise NotImplementedError

    def visible_to(self, user):
        return self.by_rule(user, self.rule)

    def by_rule(self, user, rule):
        """The rows ``rule(user)`` admits, behind the same prologue: also for questions narrower
        than seeing (who may read a BSN, handle a request, disclose to a recipient)."""
        if is_anonymous(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        condition = rule(user)
        return self.filter(condition) if condition is not None else self.none()


class RuleQuerySet(ScopedQuerySet):
    """A model whose access rule is a ``Q`` on its own concrete fields (and related rows reached
    through them), so that the same rule decides over each past version in its history too: a
    version the user could not see as it was then stays hidden (``visible_history``)."""


def history_rule(model, user, current=None) -> Q | None:
    """Which past versions of ``model`` ``user`` may read, as a condition on its historical model.

    A model with a ``RuleQuerySet`` (its visibility depends on fields that change, such as a dossier
    item's category) has its rule applied to every version; any other model shows every version of a
    record the user may see now: in ``current`` (by default the model's ``visible_to``; a model
    without one, such as a role grant, passes the queryset its admin is scoped to).
    None when nothing.
    """
    manager = model._default_manager
    if is_anonymous(user):
        return None
    if user.is_superuser:
        return Q()
    if isinstance(manager.all(), RuleQuerySet):
        return manager.all().rule(user)
    pk = model._meta.pk.attname
    current = manager.visible_to(user) if current is None else current
    return Q(**{f"{pk}__in": current.values(pk)})


def visible_history(model, user, current=None):
    """The history rows of ``model`` that ``user`` may read (``history_rule``)."""
    history = getattr(model, model._meta.simple_history_manager_attribute)
    condition = history_rule(model, user, current)
    return history.filter(condition) if condition is not None else history.none()
