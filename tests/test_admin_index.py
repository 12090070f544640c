"""The admin index groups its models by task, not by app, and shows only what a role uses
(issue 18): the grouping is core/admin_site.py with the table in leerlingen/registry.py, each app
placing its own models from its AppConfig.ready()."""

import re

from django.contrib import admin
from django.utils import translation

import pytest

from leerlingen import registry


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


def _groups(client, user) -> dict[str, list[str]]:
    """The index's groups (captions) and the models under each, as the person sees them."""
    client.force_login(user)
    html = client.get("/admin/").content.decode()
    content = html[html.index('id="content-main"') :]
    groups = {}
    for caption, body in re.findall(r"<caption>\s*(.*?)\s*</caption>(.*?)</table>", content, re.S):
        name = re.sub(r"<[^>]+>", "", caption).strip()
        groups[name] = re.findall(r'<th scope="row"[^>]*>\s*(?:<a [^>]*>)?([^<]+?)\s*<', body)
    return groups


with translation.override("en"):
    ALL = [str(label) for _key, label in registry.ADMIN_TASKS]

# role -> the groups its index shows, in the table's order; and a model it must not see
EXPECTED = {
    "directeur": (ALL, "Access log"),
    "leerkracht": (
        ["Pupils and parents", "Consent", "Professional development"],
        "Consent forms",
    ),
    "administratie": (
        ["Pupils and parents", "Consent", "Requests", "Sharing and processors", "Administration"],
        "Destruction lists",
    ),
    "fg": ([g for g in ALL if g != "Professional development"], "Recordings"),
    "bestuur": (
        ["Pupils and parents", "Consent", "Sharing and processors", "Administration"],
        "Parents / guardians",
    ),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_index_by_task_per_role(client, world, name):
    groups = _groups(client, world.users[name])
    shown, hidden = EXPECTED[name]
    assert list(groups) == shown
    models = [model for names in groups.values() for model in names]
    assert hidden not in models  # Django's permission filter stays
    assert len(models) == len(set(models))  # each model once


def test_each_app_places_its_models_under_its_task(client, world):
    groups = _groups(client, world.users["beheerder"])
    assert list(groups) == ALL
    assert (
        groups["Requests"][0] == "Requests" and "Restrictions of processing" in groups["Requests"]
    )
    assert groups["Sharing and processors"][0] == "Disclosures"
    assert groups["Retention and destruction"][0] == "Destruction lists"
    assert groups["Pupils and parents"][:2] == ["Pupils", "Parents / guardians"]
    # A model no app placed (here the log-in attempts of django-axes) goes to the last task.
    assert "Access attempts" in groups["Administration"]
    # Every registered model the superuser may view shows exactly once.
    assert sum(len(m) for m in groups.values()) == len(admin.site._registry)


def test_an_apps_own_page_still_lists_by_app(client, world):
    client.force_login(world.users["beheerder"])
    html = client.get("/admin/verzoeken/").content.decode()
    assert 'href="/admin/verzoeken/"' in html and "Requests" in html
    assert "Consent forms" not in html


def test_unknown_task_is_refused():
    with pytest.raises(ValueError):
        admin.site.place("nonsense", "verzoeken.Verzoek")


# role -> whether its index lists the schools and boards (a teacher works in their group only:
# the pupils and the photo list, never the school's or board's record)
SCHOOL_PAGES = {
    "directeur": True,
    "ib": True,
    "administratie": True,
    "fg": True,
    "bestuur": True,
    "leerkracht": False,
}


@pytest.mark.parametrize("name", sorted(SCHOOL_PAGES))
def test_schools_and_boards_only_for_the_roles_that_use_them(client, world, name):
    models = [m for names in _groups(client, world.users[name]).values() for m in names]
    shown = SCHOOL_PAGES[name]
    assert ("Schools" in models, "Boards" in models) == (shown, shown), models
    for page in ("/admin/leerlingen/school/", "/admin/leerlingen/bestuur/"):
        assert (client.get(page).status_code == 200) == shown, page
