"""The director's review page of a request that was not yet put to the director (issue 15): a clear
message and the request page, never a 500."""

from django.test import Client

import pytest

from verzoeken.models import Soort

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "soort", [Soort.INZAGE, Soort.WISSEN, Soort.RECTIFICATIE, Soort.BEPERKING, Soort.BEZWAAR]
)
def test_review_of_a_request_not_yet_prepared_redirects_with_a_message(world, make_request, soort):
    verzoek = make_request(soort=soort)
    assert verzoek.status == "ontvangen"
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = "en"
    client.force_login(world.users["directeur"])
    response = client.get(f"/staf/verzoeken/{verzoek.pk}/beoordeling/")
    assert response.status_code == 302, response.status_code
    assert response["Location"] == f"/staf/verzoeken/{verzoek.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "not yet been put to the director" in page, page
    # Posting a decision on it changes nothing either.
    response = client.post(
        f"/staf/verzoeken/{verzoek.pk}/beoordeling/", {"uitkomst": "toegewezen", "motivering": "x"}
    )
    assert response.status_code == 302
    verzoek.refresh_from_db()
    assert verzoek.status == "ontvangen" and not verzoek.uitkomst
