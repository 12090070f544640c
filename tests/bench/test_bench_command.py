"""``manage.py bench``: on the demo board every key page answers 200 for the user who opens it
and the JSON holds every page; on a database without some of the pages' objects those pages are
reported as errors, the others are still measured, and the command fails.

Two repeats: this checks correctness, not time.
"""

import json

from django.core.management import CommandError, call_command

import pytest

from delen.models import Verstrekking
from devtools.bench.pages import BENCH_PURPOSE

pytestmark = [pytest.mark.bench, pytest.mark.django_db, pytest.mark.usefixtures("devtools")]

KEY_PAGES = {
    ("admin_pupil_list", "teacher"),
    ("admin_pupil_list", "IB"),
    ("admin_pupil_list", "director"),
    ("admin_pupil_list", "FG"),
    ("admin_pupil_detail", "teacher"),
    ("admin_pupil_detail", "IB"),
    ("admin_pupil_detail", "director"),
    ("admin_pupil_detail", "FG"),
    ("portal_consent", "parent"),
    ("photo_list", "teacher"),
    ("photo_list_pdf", "teacher"),
    ("open_requests", "director"),
    ("disclosure_export", "director"),
    ("destruction_list", "director"),
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """The demo stores agreements and statements: in a temporary media folder, not var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


def _pages(path) -> dict:
    data = json.loads(path.read_text())
    return data, {(p["key"], p["role"]): p for p in data["pages"]}


def test_every_key_page_of_the_demo_answers_and_is_written_as_json(tmp_path, capsys):
    call_command("demo", verbosity=0)
    call_command("retention_sweep", verbosity=0)  # pupils who left in 2018: a destruction list
    capsys.readouterr()
    out = tmp_path / "bench.json"

    call_command("bench", repeat=2, json_path=str(out))

    data, pages = _pages(out)
    assert set(pages) == KEY_PAGES
    for key, page in pages.items():
        assert page["status"] == 200 and page["error"] == "", key
        assert page["samples"] == 2 and page["queries"] > 0, key
        assert page["p95_ms"] >= page["p50_ms"] > 0, key
        assert page["x_floor"] > 0, key
    assert data["floor"]["status"] == 200
    assert data["floor"]["samples"] == 4  # timed before and after the pages
    assert data["subjects"]["bestuur_pupils"] > 0 and data["database"]["vendor"] == "postgresql"
    assert "estimated_pupils" in data["database"] and "commit" in data["git"]
    # the export really went, once per request (warm-up and counted request included)
    assert Verstrekking.objects.filter(doel=BENCH_PURPOSE).count() == 2 + 2
    table = capsys.readouterr().out
    assert "admin pupil detail" in table and "destruction list" in table and "ERROR" not in table


def test_missing_pages_are_reported_and_the_command_fails(world, tmp_path, capsys):
    """The small world has no recipients, no open request and no destruction list."""
    out = tmp_path / "bench.json"

    with pytest.raises(CommandError, match="3 of 15 measurements failed"):
        call_command("bench", repeat=1, warmup=1, json_path=str(out))

    data, pages = _pages(out)
    no_handler = ("open_requests", "handler")  # no open request: nobody to open the overview as
    assert set(pages) == KEY_PAGES - {("open_requests", "director")} | {no_handler}
    failed = {key for key, page in pages.items() if page["error"]}
    assert failed == {
        no_handler,
        ("disclosure_export", "director"),
        ("destruction_list", "director"),
    }
    export = pages[("disclosure_export", "director")]
    assert export["error"].startswith("missing: no active recipient")
    assert pages[("admin_pupil_detail", "teacher")]["status"] == 200
    detail = pages[("admin_pupil_detail", "teacher")]["path"]
    assert detail.endswith(f"/{world.pupils['g5'].pk}/change/")
    assert pages[("portal_consent", "parent")]["status"] == 200
    assert "ERROR missing" in capsys.readouterr().out


def test_the_floor_view_exists_only_in_the_bench(world, client):
    client.force_login(world.users["directeur"])
    assert client.get(f"/__bench__/floor/{world.pupils['g5'].pk}/", secure=True).status_code == 404
