"""Erasure takes the portal user name out of django-axes' log-in records too (issue 15)."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog

from leerlingen.erasure import erase_record
from leerlingen.models import VernietigdRecord

pytestmark = pytest.mark.django_db
LOGIN = "/portaal/inloggen/"


def _log_in(client, username, password):
    return client.post(LOGIN, {"methode": "wachtwoord", "username": username, "password": password})


def test_erasure_removes_the_portal_user_name_from_login_records(client, world, settings):
    settings.AXES_ENABLE_ACCESS_FAILURE_LOG = True
    pupil, ouder = world.pupils["a2_16"], world.ouders["gezag"]
    names = [pupil.account.username, ouder.account.username]
    for username in names:
        assert _log_in(client, username, "correct-horse-battery").status_code == 302
        client.logout()
        _log_in(client, username, "wrong")
    _log_in(client, "leerkracht", "wrong")  # someone else's record stays
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        assert model.objects.filter(username__in=names).exists(), model

    erase_record(obj=pupil, grond=VernietigdRecord.Grond.BEWAARTERMIJN)
    other = world.pupils["g5"]  # the guardian goes with the last pupil linked to them
    erase_record(obj=other, grond=VernietigdRecord.Grond.BEWAARTERMIJN)

    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        assert not model.objects.filter(username__in=names).exists(), model
    assert AccessFailureLog.objects.filter(username="leerkracht").exists()
