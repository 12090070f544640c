"""Two-step log-in for the roles that reach special categories or the whole board."""

import re
from datetime import timedelta
from io import StringIO

from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import outbox
from core.crypto import keyed_hash
from core.models import Opdracht
from leerlingen.mfa.enrolment import issue_token_for_operator
from leerlingen.models import MFAInschrijving

from .conftest import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.mfa]


def current_code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.mark.parametrize("role", ["directeur", "ib", "fg", "bestuur", "beheerder"])
def test_roles_with_sensitive_reach_must_use_a_second_factor(client, world, role):
    client.force_login(world.users[role])
    response = client.get("/admin/leerlingen/leerling/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa:start"))


@pytest.mark.parametrize("role", ["leerkracht", "administratie"])
def test_other_staff_log_in_with_password(client, world, role):
    client.force_login(world.users[role])
    assert client.get("/admin/leerlingen/leerling/").status_code == 200


def test_setup_with_authenticator_then_recovery_code(client, world):
    director = world.users["directeur"]
    token = issue_token_for_operator(user=director)
    client.force_login(director)
    client.get(reverse("mfa:enrol_link", args=[token]))
    page = client.get(reverse("mfa:start"), {"next": "/admin/leerlingen/leerling/"}, follow=True)
    assert page.status_code == 200 and b"data:image/svg+xml" in page.content
    device = TOTPDevice.objects.get(user=director, confirmed=False)

    wrong = client.post(reverse("mfa:enrol"), {"token": "000000", "next": "/admin/"})
    assert "niet geldig" in wrong.content.decode()
    device.refresh_from_db()
    assert (
        device.throttling_failure_count == 1
    )  # guessing is slowed down: each failure doubles the wait
    device.throttle_reset()
    done = client.post(
        reverse("mfa:enrol"), {"token": current_code(device), "next": "/admin/leerlingen/leerling/"}
    )
    codes = done.context["codes"]
    assert len(codes) == 10
    assert client.get("/admin/leerlingen/leerling/").status_code == 200

    # A new session: the recovery code works once.
    client.logout()
    client.force_login(director)
    assert client.get("/admin/").status_code == 302
    ok = client.post(reverse("mfa:start"), {"token": codes[0], "next": "/admin/"})
    assert ok.status_code == 302 and ok["Location"] == "/admin/"
    client.logout()
    client.force_login(director)
    again = client.post(reverse("mfa:start"), {"token": codes[0], "next": "/admin/"})
    assert again.status_code == 200  # used up


def test_open_redirect_is_refused(client, world):
    director = world.users["directeur"]
    device = TOTPDevice.objects.create(user=director, name="a", confirmed=True)
    client.force_login(director)
    response = client.post(
        reverse("mfa:start"), {"token": current_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/admin/"


def test_director_resets_a_colleagues_second_factor(client, world):
    ib = world.users["ib"]
    TOTPDevice.objects.create(user=ib, name="a", confirmed=True)
    StaticDevice.objects.create(user=ib, name="recovery")
    director = world.users["directeur"]
    device = TOTPDevice.objects.create(user=director, name="a", confirmed=True)
    client.force_login(director)
    client.post(reverse("mfa:start"), {"token": current_code(device), "next": "/admin/"})
    page = client.get(reverse("mfa:colleagues"))
    assert ib.username in page.content.decode() or ib.get_full_name() in page.content.decode()
    assert world.users["fg"] not in [u for u, _ in page.context["rows"]]
    response = client.post(reverse("mfa:reset", args=[ib.pk]))
    assert response.status_code == 302
    assert (
        not TOTPDevice.objects.filter(user=ib).exists()
        and not StaticDevice.objects.filter(user=ib).exists()
    )
    # someone outside the director's school: 404
    assert client.post(reverse("mfa:reset", args=[world.users["fg"].pk])).status_code == 404


def test_teacher_cannot_reset_anyone(client, world):
    client.force_login(world.users["leerkracht"])
    assert client.get(reverse("mfa:colleagues")).status_code == 404
    assert client.post(reverse("mfa:reset", args=[world.users["ib"].pk])).status_code == 404


def test_demo_switch_shows_on_login_page(client, settings):
    assert "MFA_REQUIRED=false" not in client.get("/admin/login/").content.decode()
    settings.MFA_REQUIRED = False
    assert "MFA_REQUIRED=false" in client.get("/admin/login/").content.decode()


# --- Issue 15, hole 1: the second step could be skipped with the password alone --------------


def password_only(client, user):
    """Logged in with the password, second step not taken."""
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


@override_settings(MFA_REQUIRED=True)
def test_password_only_director_does_not_reach_the_colleague_page(client, world):
    director = world.users["directeur"]
    TOTPDevice.objects.create(user=director, name="a", confirmed=True)
    response = password_only(client, director).get(reverse("mfa:colleagues"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa:start"))


@override_settings(MFA_REQUIRED=True)
def test_nobody_resets_their_own_second_factor(client, world):
    director = world.users["directeur"]
    device = TOTPDevice.objects.create(user=director, name="a", confirmed=True)
    password_only(client, director).post(reverse("mfa:reset", args=[director.pk]))
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    # Not even after the second step: their own row is not theirs to reset.
    client.post(reverse("mfa:start"), {"token": current_code(device), "next": "/admin/"})
    assert client.post(reverse("mfa:reset", args=[director.pk])).status_code == 404
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert director not in [
        user for user, _ in client.get(reverse("mfa:colleagues")).context["rows"]
    ]


@override_settings(MFA_REQUIRED=True)
def test_password_alone_cannot_enrol_a_first_device(client, world):
    ib = world.users["ib"]
    page = password_only(client, ib).get(reverse("mfa:start"), follow=True)
    assert "ask your director" in page.content.decode().lower()
    assert b"data:image/svg+xml" not in page.content
    client.post(reverse("mfa:start"), {"token": "123456", "next": "/admin/"})
    client.post(reverse("mfa:enrol"), {"token": "123456", "next": "/admin/"})
    assert not TOTPDevice.objects.filter(user=ib).exists()
    assert client.get("/admin/").status_code == 302


@override_settings(MFA_REQUIRED=True)
@pytest.mark.parametrize("path", ["/admin/", "/portaal/", "/portaal/verzoeken/", "/mfa/collega-s/"])
def test_password_only_director_is_sent_to_the_second_step(client, world, path):
    director = world.users["directeur"]
    TOTPDevice.objects.create(user=director, name="a", confirmed=True)
    response = password_only(client, director).get(path)
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa:start")), (
        path
    )


# --- Enrolment links, resets with history and mail --------------------------------------------


def verified(client, user):
    """Logged in and past the second step."""
    device = TOTPDevice.objects.get_or_create(user=user, name="a", defaults={"confirmed": True})[0]
    password_only(client, user).post(
        reverse("mfa:start"), {"token": current_code(device), "next": "/admin/"}
    )
    assert client.session.get("otp_device_id")
    return client


def run_jobs(kind):
    """Work off the outbox jobs of ``kind`` in this process, as the worker would."""
    jobs = list(Opdracht.objects.filter(soort=kind, status=Opdracht.Status.WACHT))
    for job in jobs:
        assert outbox.run(job.pk) == "done"
    return jobs


def link_from_mail(message) -> str:
    return re.search(r"https?://\S+/mfa/inschrijven/\S+/", message.body).group(0)


def enrol_with(client, user, url):
    """Log in with the password, open the link, confirm a code from the new device."""
    password_only(client, user)
    client.get(url.split("testserver", 1)[-1])
    page = client.get(reverse("mfa:enrol"))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        return page
    return client.post(reverse("mfa:enrol"), {"token": current_code(device), "next": "/admin/"})


@override_settings(MFA_REQUIRED=True)
def test_director_sends_an_enrolment_link_that_works_once(client, world, mailoutbox):
    ib = world.users["ib"]
    verified(client, world.users["directeur"])
    rows = dict(client.get(reverse("mfa:colleagues")).context["rows"])
    assert rows[ib] is False
    response = client.post(reverse("mfa:send_link", args=[ib.pk]))
    assert response.status_code == 302
    link = MFAInschrijving.objects.get(user=ib)
    assert link.issued_by == world.users["directeur"] and link.used_at is None
    (job,) = run_jobs("mfa.enrolment_link")
    assert "@" not in str(job.argumenten) and "inschrijven" not in str(job.argumenten)  # ids only
    (mail,) = mailoutbox
    assert mail.to == [ib.email]
    url = link_from_mail(mail)
    token = url.rstrip("/").rsplit("/", 1)[-1]
    link.refresh_from_db()
    assert link.token_hash == keyed_hash(f"mfa:enrolment:{token}") and token not in str(vars(link))
    assert link.history.exists() and not hasattr(link.history.first(), "token_hash")

    other = Client()
    done = enrol_with(other, ib, url)
    assert done.status_code == 200 and len(done.context["codes"]) == 10
    assert TOTPDevice.objects.filter(user=ib, confirmed=True).count() == 1
    assert other.get("/admin/").status_code == 200
    link.refresh_from_db()
    assert link.used_at is not None

    # Used once: after a reset the same link no longer enrols anyone.
    TOTPDevice.objects.filter(user=ib).delete()
    again = enrol_with(Client(), ib, url)
    assert "does not work" in again.content.decode() and b"data:image/svg+xml" not in again.content
    assert not TOTPDevice.objects.filter(user=ib).exists()


@override_settings(MFA_REQUIRED=True)
def test_expired_or_someone_elses_link_is_refused(client, world):
    ib, fg = world.users["ib"], world.users["fg"]
    token = issue_token_for_operator(user=ib)
    # another user with the password of their own account and ib's link: refused
    refused = enrol_with(client, fg, f"/mfa/inschrijven/{token}/")
    assert "does not work" in refused.content.decode()
    assert not TOTPDevice.objects.filter(user__in=[ib, fg]).exists()
    # expired
    for link in MFAInschrijving.objects.filter(
        user=ib
    ):  # through save(): history, like the product
        link.expires = timezone.now() - timedelta(minutes=1)
        link.save()
    expired = enrol_with(Client(), ib, f"/mfa/inschrijven/{token}/")
    assert "does not work" in expired.content.decode()
    assert not TOTPDevice.objects.filter(user=ib).exists()
    # a newer link ends the older one
    old = issue_token_for_operator(user=fg)
    issue_token_for_operator(user=fg)
    assert "does not work" in enrol_with(Client(), fg, f"/mfa/inschrijven/{old}/").content.decode()


@override_settings(MFA_REQUIRED=True)
def test_the_link_is_opened_before_logging_in(client, world):
    ib = world.users["ib"]
    token = issue_token_for_operator(user=ib)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("mfa:enrol_link", args=[token]))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert token not in response["Location"]
    logged_in = client.post(
        response["Location"], {"username": ib.username, "password": PASSWORD}, follow=True
    )
    assert b"data:image/svg+xml" in logged_in.content


@override_settings(MFA_REQUIRED=True)
def test_reset_is_in_the_history_and_mailed(client, world, mailoutbox):
    ib, director = world.users["ib"], world.users["directeur"]
    device = TOTPDevice.objects.create(user=ib, name="a", confirmed=True)
    StaticDevice.objects.create(user=ib, name="recovery")
    verified(client, director)
    assert client.post(reverse("mfa:reset", args=[ib.pk])).status_code == 302
    removed = TOTPDevice.history.get(id=device.pk, history_type="-")
    assert removed.history_user == director and removed.user_id == ib.pk
    assert not hasattr(removed, "key")  # the secret never reaches the history
    assert StaticDevice.history.get(user_id=ib.pk, history_type="-").history_user == director
    (job,) = run_jobs("mfa.reset_notice")
    assert job.argumenten == {"user_id": ib.pk, "role": "directeur"}
    (mail,) = mailoutbox
    assert mail.to == [ib.email]
    assert "enrolment link" in mail.body.lower() or "inschrijflink" in mail.body.lower()
    # The role is named (in Dutch the word is "directeur", the demo's user name too), the person is not.
    assert director.email not in mail.body


@override_settings(MFA_REQUIRED=True)
def test_who_may_issue_links(client, world):
    ib, director = world.users["ib"], world.users["directeur"]
    TOTPDevice.objects.create(user=ib, name="a", confirmed=True)
    # a colleague who has a device gets no link (reset first)
    verified(client, director).post(reverse("mfa:send_link", args=[ib.pk]))
    assert not MFAInschrijving.objects.filter(user=ib).exists()
    # nobody issues a link for themselves, nor outside their school
    assert client.post(reverse("mfa:send_link", args=[director.pk])).status_code == 404
    assert client.post(reverse("mfa:send_link", args=[world.users["fg"].pk])).status_code == 404
    # board staff: the board's schools and the board; the administrator: all staff but themselves
    board = verified(Client(), world.users["bestuur"])
    administratie = world.users["administratie"]
    assert board.post(reverse("mfa:send_link", args=[administratie.pk])).status_code == 302
    assert MFAInschrijving.objects.filter(
        user=administratie, issued_by=world.users["bestuur"]
    ).exists()
    assert director in [u for u, _ in board.get(reverse("mfa:colleagues")).context["rows"]]
    assert board.post(reverse("mfa:send_link", args=[world.users["fg"].pk])).status_code == 302
    beheerder = verified(Client(), world.users["beheerder"])
    names = [u.username for u, _ in beheerder.get(reverse("mfa:colleagues")).context["rows"]]
    assert "buitenstaander" in names and "beheerder" not in names
    # a teacher and a parent: 404
    teacher = password_only(Client(), world.users["leerkracht"])
    assert teacher.post(reverse("mfa:send_link", args=[ib.pk])).status_code == 404
    assert teacher.get(reverse("mfa:colleagues")).status_code == 404


@override_settings(MFA_REQUIRED=True)
def test_operator_command_prints_a_working_link(client, world):
    beheerder = world.users["beheerder"]
    out = StringIO()
    call_command(
        "mfa_enrolment_link", beheerder.username, "--base-url", "http://testserver", stdout=out
    )
    url = re.search(r"http://testserver/mfa/inschrijven/\S+/", out.getvalue()).group(0)
    assert MFAInschrijving.objects.get(user=beheerder).issued_by is None
    done = enrol_with(client, beheerder, url)
    assert len(done.context["codes"]) == 10
    with pytest.raises(CommandError):
        call_command("mfa_enrolment_link", beheerder.username, stdout=StringIO())


def test_demo_mode_needs_no_second_step(client, world, settings):
    settings.MFA_REQUIRED = False
    director = world.users["directeur"]
    client.force_login(director)
    assert client.get("/admin/").status_code == 200
    assert client.get(reverse("mfa:colleagues")).status_code == 200


@override_settings(MFA_REQUIRED=True)
def test_logging_in_with_the_second_factor_adds_no_history(client, world):
    """django-otp saves the device on every verification; that bookkeeping is not a change."""
    director = world.users["directeur"]
    device = TOTPDevice.objects.create(user=director, name="a", confirmed=True)
    before = TOTPDevice.history.filter(id=device.pk).count()
    password_only(client, director).post(
        reverse("mfa:start"), {"token": current_code(device), "next": "/admin/"}
    )
    device.refresh_from_db()
    assert device.last_t > 0  # the verification was saved ...
    assert TOTPDevice.history.filter(id=device.pk).count() == before  # ... without a history row
    device.name = "phone"
    device.save()
    assert TOTPDevice.history.filter(id=device.pk).count() == before + 1
