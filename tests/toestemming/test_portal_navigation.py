"""One portal, one navigation: every portal page of every app (consent, history, requests, the
privacy statement) carries the same portal <nav>, linking the consent overview and the requests."""

from html.parser import HTMLParser

from django.urls import reverse

import pytest

from ..verzoeken.factories import file

pytestmark = pytest.mark.django_db


class _Navs(HTMLParser):
    """Collects each <nav>'s aria-label and the hrefs inside it, and aria-current per href."""

    def __init__(self):
        super().__init__()
        self.navs: list[dict] = []
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav":
            self._depth += 1
            self.navs.append({"label": attrs.get("aria-label"), "hrefs": [], "current": {}})
        elif tag == "a" and self._depth and attrs.get("href"):
            self.navs[-1]["hrefs"].append(attrs["href"])
            if attrs.get("aria-current"):
                self.navs[-1]["current"][attrs["href"]] = attrs["aria-current"]

    def handle_endtag(self, tag):
        if tag == "nav":
            self._depth -= 1


def _navs(html: str) -> list[dict]:
    parser = _Navs()
    parser.feed(html)
    return parser.navs


def test_every_portal_page_has_the_one_portal_navigation(client, consent):
    pupil = consent.pupils["g5"]
    verzoek = file(pupil, ouder=consent.ouders["gezag"], by=consent.users["administratie"])
    overview, requests = reverse("portaal:overzicht"), reverse("verzoeken_portaal:index")
    # The section a page belongs to (issue 18: consent, history and the statement have their own).
    pages = {
        overview: overview,
        reverse("portaal:kind", args=[pupil.pk]): reverse("portaal:toestemming"),
        reverse("portaal:geschiedenis", args=[pupil.pk]): reverse("portaal:geschiedenis_kies"),
        reverse("privacyverklaring_portaal:kind", args=[pupil.pk]): reverse(
            "portaal:privacyverklaring"
        ),
        requests: requests,
        reverse("verzoeken_portaal:nieuw"): requests,
        reverse("verzoeken_portaal:detail", args=[verzoek.pk]): requests,
    }
    client.force_login(consent.users["ouder_gezag"])
    for url, section in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        navs = _navs(html)
        (nav,) = [n for n in navs if n["label"] == "Portal"]  # exactly one portal navigation,
        linking = [n for n in navs if overview in n["hrefs"] or requests in n["hrefs"]]
        assert linking == [nav], url  # and no second copy of it
        assert overview in nav["hrefs"] and requests in nav["hrefs"], url
        assert list(nav["current"]) == [section], url  # the active section, and only that one
        assert nav["current"][section] == ("page" if url == section else "true"), url
        assert f'action="{reverse("portaal:logout")}"' in html, url


def test_a_pupil_of_16_gets_the_same_navigation(client, consent):
    pupil = consent.pupils["a2_16"]
    overview, requests = reverse("portaal:overzicht"), reverse("verzoeken_portaal:index")
    client.force_login(consent.users["leerling_a2_16"])
    for url in (overview, reverse("portaal:kind", args=[pupil.pk]), requests):
        (nav,) = [n for n in _navs(client.get(url).content.decode()) if n["label"] == "Portal"]
        assert overview in nav["hrefs"] and requests in nav["hrefs"], url


def test_an_account_without_children_gets_no_portal_navigation(client, consent):
    client.force_login(consent.users["administratie"])
    response = client.get(reverse("portaal:overzicht"))
    assert response.status_code == 403
    assert [n for n in _navs(response.content.decode()) if n["label"] == "Portal"] == []
