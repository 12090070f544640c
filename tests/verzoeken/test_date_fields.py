"""Date fields work on the first submit (issue 18): an ``<input type=date>`` accepts only an ISO
value (yyyy-mm-dd); a pre-filled value in the Dutch format (29-11-2026) is dropped by the browser,
so the field arrives empty and the form is refused."""

import re

from django.utils import timezone

import pytest

from verzoeken.forms import ExtensionForm, StaffRequestForm

pytestmark = pytest.mark.django_db


def _date_values(html: str) -> list[str]:
    return [
        re.search(r'value="([^"]*)"', tag).group(1)
        for tag in re.findall(r'<input[^>]*type="date"[^>]*>', html)
        if 'value="' in tag
    ]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_paper_form_and_extension_prefill_iso_dates(client, world, make_request, language):
    from django.utils import translation

    today = timezone.localdate().isoformat()
    client.cookies["django_language"] = language
    client.force_login(world.users["administratie"])
    with translation.override(language):
        paper = client.get(f"/staf/verzoeken/nieuw/{world.pupils['g5'].pk}/").content.decode()
        detail = client.get(f"/staf/verzoeken/{make_request().pk}/").content.decode()
    assert _date_values(paper) == [today]
    assert today in _date_values(detail)  # the extension form's "requester told on"


def test_the_widgets_render_iso_in_dutch():
    from django.utils import translation

    today = timezone.localdate()
    with translation.override("nl"):
        for form, name in (
            (StaffRequestForm(initial={"ontvangen_op": today}, indieners=[]), "ontvangen_op"),
            (ExtensionForm(initial={"gemeld_op": today}), "gemeld_op"),
        ):
            assert f'value="{today.isoformat()}"' in str(form[name])


def test_the_consent_paper_form_prefills_an_iso_date(client, world):
    from toestemming.services import ensure_default_doelen, publish_form

    ensure_default_doelen(school=world.schools["a1"])
    publish_form(school=world.schools["a1"])
    client.cookies["django_language"] = "nl"
    client.force_login(world.users["administratie"])
    html = client.get(
        f"/staf/toestemming/leerling/{world.pupils['g5'].pk}/papier/"
    ).content.decode()
    assert _date_values(html) == [timezone.localdate().isoformat()]
