"""Malformed filter values never answer 500 (issue 15): a superscript digit (``'²'.isdigit()`` is
true, ``int('²')`` fails), a number past the bigint range, letters and a NUL byte, on every
admin list filter and on the staff pages' own filters, for a director and an FG."""

from django.contrib import admin
from django.test import Client
from django.urls import reverse

import pytest

from delen.services import ensure_default_register

pytestmark = pytest.mark.django_db

BAD_VALUES = ("²", "99999999999999999999", "abc", "1\x00")
STAFF_PARAMS = ("school", "groep", "bestuur", "persoon", "van", "tot", "datum", "pagina", "status")


def _changelists():
    return [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model, model_admin in admin.site._registry.items()
        if model_admin.list_filter
    ]


def _filter_params(response) -> set[str]:
    """The query parameters the changelist's filters read (their expected parameters)."""
    cl = response.context_data["cl"]
    return {p for spec in cl.filter_specs for p in spec.expected_parameters()} | {
        "school",
        "groep",
        "q",
    }


def _staff_pages(world):
    ensure_default_register(world.schools["a1"])
    ontvanger = world.schools["a1"].ontvangers.filter(actief=True).first()
    return [
        "/staf/toestemming/",
        "/staf/verzoeken/",
        "/staf/verzoeken/register/",
        "/delen/",
        f"/delen/verstrekken/{ontvanger.pk}/",
        f"/delen/register/{world.schools['a1'].pk}/",
        f"/delen/leerlingen/{world.pupils['g5'].pk}/",
        "/staf/toegangscontrole/",
        "/staf/privacyverklaring/",
    ]


@pytest.mark.parametrize("role", ["directeur", "fg"])
def test_admin_list_filters_survive_malformed_values(world, role):
    client = Client(raise_request_exception=False)
    client.force_login(world.users[role])
    failures, swept = [], 0
    for url in _changelists():
        plain = client.get(url)
        if plain.status_code != 200:
            continue
        for param in sorted(_filter_params(plain)):
            for value in BAD_VALUES:
                swept += 1
                status = client.get(url, {param: value}).status_code
                if status >= 500:
                    failures.append((url, param, value, status))
    assert swept > 100
    assert not failures, "\n".join(map(repr, failures))


@pytest.mark.parametrize("role", ["directeur", "fg"])
def test_staff_pages_survive_malformed_values(world, role):
    client = Client(raise_request_exception=False)
    client.force_login(world.users[role])
    failures = []
    for url in _staff_pages(world):
        for param in STAFF_PARAMS:
            for value in BAD_VALUES:
                status = client.get(url, {param: value}).status_code
                if status >= 500:
                    failures.append((url, param, value, status))
    assert not failures, "\n".join(map(repr, failures))
