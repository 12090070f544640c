"""A paper form's date of signature lies in the form's school year and not in the future (issue 15):
otherwise the form is refused with a message naming the rule, and nothing is recorded."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

import pytest

from leerlingen.schooljaar import current_schooljaar, schooljaar_start
from toestemming.models import Toestemming

pytestmark = pytest.mark.django_db


def _post(client, consent, doel, signed):
    client.force_login(consent.users["directeur"])
    url = reverse("toestemming_staf:papier", args=[consent.pupils["g5"].pk])
    return client.post(
        url,
        {
            "beslisser": consent.ouders["gezag"].pk,
            "ondertekend_op": signed.isoformat(),
            f"doel_{doel(consent.schools['a1']).pk}": "ja",
        },
    )


def test_a_date_in_the_future_is_refused(client, consent, doel):
    response = _post(client, consent, doel, timezone.localdate() + timedelta(days=1))
    assert response.status_code == 200
    assert "lies in the future" in response.content.decode()
    assert not Toestemming.objects.exists()


def test_a_date_before_the_school_year_is_refused(client, consent, doel):
    start = schooljaar_start(current_schooljaar())
    response = _post(client, consent, doel, start - timedelta(days=1))
    assert response.status_code == 200
    page = response.content.decode()
    assert "must fall in the school year of the form" in page and current_schooljaar() in page
    assert not Toestemming.objects.exists()


@pytest.mark.parametrize("day", ["today", "first day of the school year"])
def test_a_date_in_the_school_year_up_to_today_is_recorded(client, consent, doel, day):
    signed = timezone.localdate() if day == "today" else schooljaar_start(current_schooljaar())
    assert _post(client, consent, doel, signed).status_code == 302
    assert Toestemming.objects.get().tijdstip.date() == signed
