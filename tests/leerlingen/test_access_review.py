"""The FG's access review: who read special data, who exported, and unusual volume."""

from datetime import timedelta

from django.utils import timezone

import pytest

from core.spreadsheet import parse_csv
from leerlingen import audit
from leerlingen.models import Toegangslog
from tests.leerlingen.factories import LeerlingFactory

pytestmark = pytest.mark.django_db
URL = "/staf/toegangscontrole/"


def test_only_the_fg_opens_the_review(client, world):
    for role in ("directeur", "ib", "leerkracht", "administratie", "bestuur", "ouder_gezag"):
        client.force_login(world.users[role])
        assert client.get(URL).status_code == 404, role
    client.force_login(world.users["fg"])
    assert client.get(URL).status_code == 200
    client.logout()
    assert client.get(URL).status_code == 302


def test_reads_and_exports_listed_and_filtered(client, world):
    ib, director = world.users["ib"], world.users["directeur"]
    item = world.items["medisch"]
    audit.special_data_viewed(
        user=ib,
        leerling=item.leerling,
        obj=item,
        categorieen={"medisch"},
        reden="admin: dossier item",
    )
    old = audit.export_made(
        user=director, object_type="verstrekking", categorieen={"contact"}, reden="export DUO"
    )
    Toegangslog.objects.filter(pk=old.pk).update(tijdstip=timezone.now() - timedelta(days=40))
    client.force_login(world.users["fg"])
    page = client.get(URL)
    assert [e.gebruiker for e in page.context["page"]] == [ib, director]
    filtered = client.get(URL, {"persoon": ib.pk})
    assert [e.gebruiker for e in filtered.context["page"]] == [ib]
    recent = client.get(URL, {"van": (timezone.localdate() - timedelta(days=7)).isoformat()})
    assert [e.gebruiker for e in recent.context["page"]] == [ib]
    bad = client.get(URL, {"van": "2026-12-01", "tot": "2026-11-01"})
    assert "ligt na de einddatum" in bad.content.decode()


def test_entries_of_another_board_stay_out(client, world):
    other = world.items["medisch_b1"]
    audit.special_data_viewed(
        user=world.users["beheerder"],
        leerling=other.leerling,
        obj=other,
        categorieen={"medisch"},
        reden="x",
    )
    client.force_login(world.users["fg"])
    assert list(client.get(URL).context["page"]) == []


def test_unusual_volume_is_flagged(client, world, settings):
    settings.ACCESS_REVIEW_THRESHOLD = 50
    ib = world.users["ib"]
    pupils = LeerlingFactory.create_batch(51, groep=world.groepen["g6"])
    for pupil in pupils:
        audit.special_data_viewed(
            user=ib, leerling=pupil, obj=pupil, categorieen={"medisch"}, reden="admin: dossier item"
        )
    client.force_login(world.users["fg"])
    flags = client.get(URL).context["flags"]
    assert len(flags) == 1 and flags[0].gebruiker_id == ib.pk and flags[0].leerlingen == 51
    settings.ACCESS_REVIEW_THRESHOLD = 51
    assert client.get(URL).context["flags"] == []


def test_csv_export_is_logged(client, world):
    item = world.items["medisch"]
    audit.special_data_viewed(
        user=world.users["ib"],
        leerling=item.leerling,
        obj=item,
        categorieen={"medisch"},
        reden="=cmd|evil",
    )
    fg = world.users["fg"]
    client.force_login(fg)
    response = client.get(URL, {"formaat": "csv"})
    header, rows = parse_csv(response.content)
    assert header[0] == "Tijdstip" and rows[0][6] == "'=cmd|evil"
    assert Toegangslog.objects.filter(
        gebruiker=fg, soort="export", object_type="toegangslog"
    ).exists()


def test_the_log_reads_in_dutch_without_codes(client, world):
    """Reasons, record types and categories are stored as the code wrote them and shown in the
    reader's language: on the page, in the CSV (its header too) and in the admin."""
    item = world.items["medisch"]
    audit.special_data_viewed(
        user=world.users["ib"],
        leerling=item.leerling,
        obj=item,
        categorieen={"medisch", "religie"},
        reden="admin: dossier item",
    )
    audit.export_made(
        user=world.users["directeur"],
        object_type="verstrekking",
        categorieen={"contact"},
        reden="disclosure V-20261127-57A567 to veilig_thuis",
    )
    client.force_login(world.users["fg"])
    client.cookies["django_language"] = "nl"
    page = client.get(URL).content.decode()
    assert "medische gegevens" in page and "V-20261127-57A567" in page
    for raw in ("veilig_thuis", "admin: dossier item", "medisch,religie"):
        assert raw not in page, raw
    header, rows = parse_csv(client.get(URL, {"formaat": "csv"}).content)
    assert header == [
        "Tijdstip",
        "Gebruiker",
        "Soort",
        "Soort gegeven",
        "Nummer gegeven",
        "Gegevenscategorieën",
        "Reden",
    ]
    assert not any("veilig_thuis" in cell for row in rows for cell in row)
    assert any(row[5] == "medische gegevens, godsdienst" for row in rows)
