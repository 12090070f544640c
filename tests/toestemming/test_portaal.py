"""The parent portal: log-in (codes, links, limits, no enumeration), per-family reach, deciding."""

import re
from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

import pytest

from core import outbox
from core.models import Opdracht
from leerlingen.schooljaar import current_schooljaar
from toestemming import limits, portal_auth
from toestemming.models import Inloglink, Toegangscode, Toestemming

from ..leerlingen.factories import GezagsrelatieFactory, OuderFactory, UserFactory

pytestmark = pytest.mark.django_db
LOGIN = "/portaal/inloggen/"


@pytest.fixture
def nieuwe_ouder(consent):
    """A parent with gezag and an e-mail address but no account yet."""
    ouder = OuderFactory(bestuur=consent.besturen["a"], email="nieuw@example.test")
    GezagsrelatieFactory(ouder=ouder, leerling=consent.pupils["g6"])
    return ouder


def _code_login(client, code):
    return client.post(LOGIN, {"methode": "code", "code": code})


# --- personal codes -----------------------------------------------------------------


def test_code_logs_in_once_and_makes_the_account(client, nieuwe_ouder):
    code = portal_auth.issue_code(schooljaar=current_schooljaar(), door=None, ouder=nieuwe_ouder)
    response = _code_login(client, code.lower().replace("-", " "))  # typed loosely
    assert response.status_code == 302 and response["Location"] == "/portaal/"
    nieuwe_ouder.refresh_from_db()
    assert nieuwe_ouder.account is not None and not nieuwe_ouder.account.has_usable_password()
    assert client.get("/portaal/").status_code == 200
    client.logout()
    client.cookies["django_language"] = "en"  # logging out forgets every cookie
    again = _code_login(client, code)
    assert again.status_code == 400
    assert "This code is not valid" in again.content.decode()
    (mail_job,) = Opdracht.objects.filter(soort="toestemming.account_gemaakt")  # the parent is told
    assert "nieuw@example.test" not in str(mail_job.argumenten)  # ids only in the outbox
    mail.outbox.clear()
    outbox.run(mail_job.pk)
    (sent,) = mail.outbox
    assert sent.to == ["nieuw@example.test"] and "/portaal/" in sent.body


def test_code_never_opens_an_existing_account(client, consent):
    """A code is an invitation: staff who saw a parent's code cannot log in as that parent."""
    ouder = consent.ouders["gezag"]  # has a portal account
    code = portal_auth.issue_code(schooljaar=current_schooljaar(), door=None, ouder=ouder)
    response = _code_login(client, code)
    wrong = _code_login(client, "AAAA-BBBB-CCCC")
    assert response.status_code == wrong.status_code == 400
    assert _error(response) == _error(wrong)
    assert "_auth_user_id" not in client.session
    assert Toegangscode.objects.get().gebruikt_op is None  # stays unused
    assert not Opdracht.objects.filter(soort="toestemming.account_gemaakt").exists()


def test_code_of_a_pupil_makes_the_account_from_16_only(client, consent):
    codes = {}
    for key in ("a2_16", "a2_15"):
        pupil = consent.pupils[key]
        pupil.account = None
        pupil.save()
        codes[key] = portal_auth.issue_code(
            schooljaar=current_schooljaar(), door=None, leerling=pupil
        )
    assert _code_login(client, codes["a2_15"]).status_code == 400
    assert _code_login(client, codes["a2_16"])["Location"] == "/portaal/"
    consent.pupils["a2_16"].refresh_from_db()
    assert consent.pupils["a2_16"].account is not None


def test_code_is_stored_hashed(nieuwe_ouder):
    code = portal_auth.issue_code(schooljaar=current_schooljaar(), door=None, ouder=nieuwe_ouder)
    row = Toegangscode.objects.get()
    plain = portal_auth.normalise_code(code)
    assert plain not in row.code_hash and code not in row.code_hash and len(row.code_hash) == 64
    assert "code_hash" not in {
        f.name for f in row.history.model._meta.fields
    }  # not copied into history


def test_expired_code_refused_like_a_wrong_one(client, nieuwe_ouder):
    code = portal_auth.issue_code(schooljaar=current_schooljaar(), door=None, ouder=nieuwe_ouder)
    row = Toegangscode.objects.get()
    row.geldig_tot = timezone.now() - timedelta(seconds=1)
    row.save()
    expired = _code_login(client, code)
    wrong = _code_login(client, "AAAA-BBBB-CCCC")
    assert expired.status_code == wrong.status_code == 400
    assert _error(expired) == _error(wrong)


def _error(response) -> str:
    return re.search(
        r'<ul class="errorlist"[^>]*>(.*?)</ul>', response.content.decode(), re.S
    ).group(1)


def test_new_code_replaces_the_unused_old_one(client, nieuwe_ouder):
    old = portal_auth.issue_code(schooljaar=current_schooljaar(), door=None, ouder=nieuwe_ouder)
    portal_auth.issue_code(schooljaar=current_schooljaar(), door=None, ouder=nieuwe_ouder)
    assert _code_login(client, old).status_code == 400


def test_client_address_is_rate_limited(client):
    for _ in range(limits.LIMITS[limits.ADDRESS][0]):
        assert _code_login(client, "AAAA-BBBB-CCCC").status_code == 400
    assert _code_login(client, "AAAA-BBBB-CCCC").status_code == 429


PROXY = "10.0.0.1"
PASSWORD = "correct-horse-battery"


def test_failures_behind_the_proxy_throttle_one_client_only(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1

    def attempt(client_ip):
        return client.post(
            LOGIN,
            {"methode": "code", "code": "AAAA-BBBB-CCCC"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=client_ip,
        )

    for _ in range(limits.LIMITS[limits.ADDRESS][0]):
        assert attempt("203.0.113.5").status_code == 400
    throttled = attempt("203.0.113.5")
    assert throttled.status_code == 429 and "Too many attempts" in throttled.content.decode()
    assert attempt("198.51.100.7").status_code == 400  # another family behind the same proxy


def test_forwarded_for_is_not_trusted_without_a_proxy(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    wrong = {"methode": "code", "code": "AAAA-BBBB-CCCC"}
    for i in range(limits.LIMITS[limits.ADDRESS][0]):  # a new spoofed address every time
        client.post(LOGIN, wrong, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
    assert client.post(LOGIN, wrong, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429


def test_successful_logins_behind_the_proxy_never_throttle(client, consent, settings):
    settings.TRUSTED_PROXY_COUNT = 1

    def password(username, client_ip):
        data = {"methode": "wachtwoord", "username": username, "password": PASSWORD}
        return client.post(LOGIN, data, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_ip)

    for _ in range(21):
        response = password("ouder_gezag", "203.0.113.5")
        assert response.status_code == 302 and response["Location"] == "/portaal/"
        client.logout()
        client.cookies["django_language"] = "en"
    other = password("ouder_ander", "198.51.100.7")
    assert other.status_code == 302
    client.logout()
    assert (
        client.post(
            LOGIN,
            {"methode": "code", "code": "AAAA-BBBB-CCCC"},  # not throttled either
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="203.0.113.5",
        ).status_code
        == 400
    )


def test_repeated_wrong_passwords_are_throttled(client, consent, settings):
    data = {"methode": "wachtwoord", "username": "ouder_gezag"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {**data, "password": "wrong"})
    response = client.post(LOGIN, {**data, "password": PASSWORD})
    assert response.status_code == 429 and "_auth_user_id" not in client.session


# --- e-mail links ---------------------------------------------------------------------


def _ask_link(client, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(LOGIN, {"methode": "email", "email": email})


def test_link_request_never_tells_whether_the_address_exists(
    client, nieuwe_ouder, eager_tasks, django_capture_on_commit_callbacks
):
    known = _ask_link(client, "NIEUW@example.test", django_capture_on_commit_callbacks)
    unknown = _ask_link(client, "nobody@example.test", django_capture_on_commit_callbacks)
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    strip = lambda r: re.sub(r'value="[^"]{40,}"', "", r.content.decode())  # noqa: E731 - the CSRF token differs
    assert strip(client.get(known["Location"])) == strip(client.get(unknown["Location"]))
    assert [m.to for m in mail.outbox] == [["nieuw@example.test"]]


def test_link_logs_in_once_within_15_minutes(
    client, nieuwe_ouder, eager_tasks, django_capture_on_commit_callbacks
):
    _ask_link(client, "nieuw@example.test", django_capture_on_commit_callbacks)
    url = re.search(r"https?://\S+/portaal/inloggen/link/\S+/", mail.outbox[0].body).group(0)
    path = url[url.index("/portaal/") :]
    token = path.rstrip("/").rsplit("/", 1)[1]
    link = Inloglink.objects.get()
    assert token not in link.token_hash and link.geldig_tot - link.verzonden_op <= timedelta(
        minutes=15, seconds=1
    )
    assert client.get(path).status_code == 200  # a mail scanner's GET does not spend it
    assert client.post(path)["Location"] == "/portaal/"
    client.logout()
    assert client.post(path).status_code == 400  # single use


def test_expired_link_refused(
    client, nieuwe_ouder, eager_tasks, django_capture_on_commit_callbacks
):
    _ask_link(client, "nieuw@example.test", django_capture_on_commit_callbacks)
    path = re.search(r"/portaal/inloggen/link/\S+/", mail.outbox[0].body).group(0)
    link = Inloglink.objects.get()
    link.geldig_tot = timezone.now() - timedelta(seconds=1)
    link.save()
    assert client.post(path).status_code == 400


def test_links_are_rate_limited_per_address(
    client, nieuwe_ouder, eager_tasks, django_capture_on_commit_callbacks
):
    for _ in range(5):
        response = _ask_link(client, "nieuw@example.test", django_capture_on_commit_callbacks)
        assert response.status_code == 302  # the same answer, limited or not
    assert len(mail.outbox) == limits.LIMITS[limits.EMAIL][0]


def test_links_are_rate_limited_per_family(
    consent, eager_tasks, django_capture_on_commit_callbacks, client
):
    leerling = consent.pupils["g6"]
    for i in range(7):  # one family, many addresses
        ouder = OuderFactory(bestuur=consent.besturen["a"], email=f"gezin{i}@example.test")
        GezagsrelatieFactory(ouder=ouder, leerling=leerling)
        _ask_link(client, ouder.email, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == limits.LIMITS[limits.FAMILY][0]


def _cache_keys() -> list[str]:
    from django.core.cache import cache

    if hasattr(cache._cache, "get_client"):  # Redis
        return [k.decode() for k in cache._cache.get_client(None).keys("*")]
    return list(cache._cache)  # local memory


def test_limiter_keys_are_hashed(
    client, nieuwe_ouder, eager_tasks, django_capture_on_commit_callbacks
):
    _ask_link(client, "nieuw@example.test", django_capture_on_commit_callbacks)
    _code_login(client, "AAAA-BBBB-CCCC")
    keys = [k for k in _cache_keys() if "portal-limit" in k]
    assert len(keys) >= 2 and all("nieuw" not in k and "127.0.0.1" not in k for k in keys)


def test_staff_password_does_not_open_the_portal(client, consent):
    response = client.post(
        LOGIN,
        {"methode": "wachtwoord", "username": "directeur", "password": "correct-horse-battery"},
    )
    assert response.status_code == 400
    client.force_login(consent.users["directeur"])
    assert client.get("/portaal/").status_code == 403


def test_parent_password_login(client, consent):
    response = client.post(
        LOGIN,
        {"methode": "wachtwoord", "username": "ouder_gezag", "password": "correct-horse-battery"},
    )
    assert response["Location"] == "/portaal/"


def test_anonymous_is_sent_to_login(client, consent):
    response = client.get(f"/portaal/kind/{consent.pupils['g5'].pk}/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


# --- reach and deciding -------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "geschiedenis/", "privacyverklaring/"])
def test_another_familys_child_answers_404(client, consent, suffix):
    client.force_login(consent.users["ouder_gezag"])
    assert client.get(f"/portaal/kind/{consent.pupils['g5'].pk}/{suffix}").status_code == 200
    for other in ("g6", "b1", "a2_16"):
        assert client.get(f"/portaal/kind/{consent.pupils[other].pk}/{suffix}").status_code == 404


def test_deciding_for_another_familys_child_answers_404(client, consent, doel):
    client.force_login(consent.users["ouder_gezag"])
    g6 = consent.pupils["g6"]
    response = client.post(
        reverse("portaal:besluit", args=[g6.pk, doel(consent.schools["a1"]).pk]), {"antwoord": "ja"}
    )
    assert response.status_code == 404
    assert not Toestemming.objects.exists()


def test_parent_gives_and_withdraws(client, consent, doel):
    client.force_login(consent.users["ouder_gezag"])
    g5, website = consent.pupils["g5"], doel(consent.schools["a1"])
    url = reverse("portaal:besluit", args=[g5.pk, website.pk])
    page = client.get(reverse("portaal:kind", args=[g5.pk])).content.decode()
    assert 'value="ja"' in page and "checked" not in page  # nothing pre-ticked
    client.post(url, {"antwoord": "ja"})
    response = client.post(url, {"antwoord": "nee"}, follow=True)
    assert "already published" in response.content.decode()
    assert list(
        Toestemming.objects.order_by("id").values_list("gegeven", "is_intrekking", "huidig")
    ) == [
        (True, False, False),
        (False, True, True),
    ]
    history = client.get(reverse("portaal:geschiedenis", args=[g5.pk])).content.decode()
    assert history.count("<tr>") == 3  # header + two decisions


def test_parent_without_gezag_sees_but_is_refused(client, consent, doel):
    client.force_login(consent.users["ouder_zonder_gezag"])
    g5 = consent.pupils["g5"]
    page = client.get(reverse("portaal:kind", args=[g5.pk])).content.decode()
    assert "parental authority" in page and 'value="ja"' not in page
    response = client.post(
        reverse("portaal:besluit", args=[g5.pk, doel(consent.schools["a1"]).pk]),
        {"antwoord": "ja"},
        follow=True,
    )
    assert "Only a parent with parental authority" in response.content.decode()
    assert not Toestemming.objects.exists()


def test_parent_of_a_pupil_of_16_sees_read_only_and_the_pupil_decides(client, consent, doel):
    pupil = consent.pupils["a2_16"]
    ouder = OuderFactory(bestuur=consent.besturen["a"])
    GezagsrelatieFactory(ouder=ouder, leerling=pupil)
    ouder.account = UserFactory(username="ouder16")
    ouder.save()
    client.force_login(ouder.account)
    page = client.get(reverse("portaal:kind", args=[pupil.pk])).content.decode()
    assert "From the age of 16 the pupil decides" in page and 'value="ja"' not in page
    client.force_login(consent.users["leerling_a2_16"])
    overview = client.get("/portaal/").content.decode()
    assert "Your own consent" in overview
    client.post(
        reverse("portaal:besluit", args=[pupil.pk, doel(consent.schools["a2"]).pk]),
        {"antwoord": "ja"},
    )
    row = Toestemming.objects.get()
    assert row.beslisser == "leerling" and row.ouder is None


def test_pupil_under_16_sees_nothing(client, consent):
    client.force_login(consent.users["leerling_a2_15"])
    assert client.get(f"/portaal/kind/{consent.pupils['a2_15'].pk}/").status_code == 404


# --- queries stay fixed --------------------------------------------------------------------
