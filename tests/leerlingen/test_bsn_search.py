"""Searching a pupil by BSN leaves no BSN in any log (issue 15): a nine-digit search term is
replaced by its keyed hash before the list is served, the search is written to the access log as
a read of special-category data, and the web server's access log records no query strings."""

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from core.crypto import keyed_hash
from leerlingen.models import Toegangslog

pytestmark = pytest.mark.django_db
URL = "/admin/leerlingen/leerling/"
ROOT = Path(__file__).resolve().parents[2]


def test_a_bsn_search_is_redirected_to_its_keyed_hash(client, world):
    pupil = world.pupils["g5"]
    client.force_login(world.users["directeur"])
    response = client.get(URL, {"q": f" {pupil.bsn} "})
    assert response.status_code == 302
    location = response["Location"]
    assert pupil.bsn not in location
    assert parse_qs(urlsplit(location).query) == {"bsn": [keyed_hash(pupil.bsn)]}
    page = client.get(location)
    assert page.status_code == 200
    assert [p.pk for p in page.context["cl"].result_list] == [pupil.pk]
    assert pupil.bsn not in page.content.decode()


def test_a_bsn_search_is_written_to_the_access_log(client, world):
    pupil, director = world.pupils["g5"], world.users["directeur"]
    client.force_login(director)
    client.get(URL, {"q": pupil.bsn}, follow=True)
    entry = Toegangslog.objects.get(gebruiker=director)
    assert (entry.soort, entry.leerling_id, entry.categorieen) == (
        Toegangslog.Soort.INZAGE,
        pupil.pk,
        "bsn",
    )
    assert "search by BSN" in entry.reden and pupil.bsn not in str(entry.__dict__)


def test_a_bsn_search_without_the_right_finds_nothing_and_is_still_logged(client, world):
    pupil, teacher = world.pupils["g5"], world.users["leerkracht"]
    client.force_login(teacher)
    page = client.get(URL, {"q": pupil.bsn}, follow=True)
    assert list(page.context["cl"].result_list) == []
    entry = Toegangslog.objects.get(gebruiker=teacher)
    assert entry.leerling_id is None and entry.categorieen == "bsn"


def test_other_searches_and_forged_hashes(client, world):
    client.force_login(world.users["directeur"])
    assert client.get(URL, {"q": "Aalbers"}).status_code == 200  # a name is not redirected
    assert client.get(URL, {"q": "12345678"}).status_code == 200  # eight digits: a pupil number
    response = client.get(URL, {"bsn": "not-a-hash"})
    assert response.status_code == 200 and list(response.context["cl"].result_list) == []


def test_the_web_servers_access_log_has_no_query_strings():
    config = (ROOT / "gunicorn.conf.py").read_text()
    fmt = re.search(r"access_log_format\s*=\s*['\"](.+)['\"]", config)[1]
    assert "%(U)s" in fmt
    assert not {"%(q)s", "%(r)s", "%(f)s", "%({raw_uri}e)s"} & set(re.findall(r"%\([^)]*\)s", fmt))
    for deployment in ("Dockerfile", "docker-compose.yml"):
        text = (ROOT / deployment).read_text()
        assert "--config" in text and "gunicorn.conf.py" in text, deployment
        assert "--access-logformat" not in text, deployment
