"""A consent decision in the portal, as thousands of parents send it in the September rush
(docs/scale.md, issue 21): a fixed, small number of statements, each decision with its history
row made by the parent's account, and the queries compiled once (``core.prepared``) answering
exactly what the ORM answers."""

import time

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest

from core.prepared import Compiled
from core.sessions import REFRESHED_KEY
from leerlingen.models import Leerling, Ouder
from leerlingen.portal import portal_child
from toestemming.models import Toestemming

pytestmark = pytest.mark.django_db

# session, user, scope, child, purpose, parent; BEGIN, gezag, form, previous, the write, COMMIT
DECISION_STATEMENTS = 12


def _stamped(client, user):
    client.force_login(user)
    session = client.session
    session[REFRESHED_KEY] = int(time.time())  # as a log-in's response leaves it
    session.save()


def test_a_decision_is_twelve_statements_with_both_history_rows(client, consent, doel):
    user = consent.users["ouder_gezag"]
    ouder = Ouder.objects.get(account=user)
    g5, website = consent.pupils["g5"], doel(consent.schools["a1"])
    url = reverse("portaal:besluit", args=[g5.pk, website.pk])
    _stamped(client, user)
    assert client.post(url, {"antwoord": "ja"}).status_code == 302  # a first answer
    with CaptureQueriesContext(connection) as first_change:
        assert client.post(url, {"antwoord": "nee", "vorig": "ja"}).status_code == 302
    assert len(first_change.captured_queries) <= DECISION_STATEMENTS

    old, new = Toestemming.objects.order_by("id")
    assert (old.gegeven, old.huidig) == (True, False)
    assert (new.gegeven, new.huidig, new.is_intrekking) == (False, True, True)
    assert (new.ouder_id, new.vastgelegd_door_id, new.beslisser) == (ouder.pk, user.pk, "ouder")
    history = list(
        Toestemming.history.order_by("history_id").values_list(
            "id", "history_type", "huidig", "gegeven", "history_user_id", "history_change_reason"
        )
    )
    assert history == [
        (old.pk, "+", True, True, user.pk, None),
        (old.pk, "~", False, True, user.pk, None),
        (new.pk, "+", True, False, user.pk, None),
    ]


def test_a_reason_names_the_recording_user_in_both_history_rows(consent, doel):
    from toestemming.services import give_consent

    staff = consent.users["directeur"]
    ouder = Ouder.objects.get(account=consent.users["ouder_gezag"])
    g5, website = consent.pupils["g5"], doel(consent.schools["a1"])
    give_consent(leerling=g5, doel=website, gegeven=True, ouder=ouder)
    row = give_consent(
        leerling=g5,
        doel=website,
        gegeven=False,
        ouder=ouder,
        vastgelegd_door=staff,
        reden="withdrawn on objection X",
    )
    assert row.pk and not row._state.adding
    assert list(
        Toestemming.history.filter(history_type="~").values_list(
            "history_user_id", "history_change_reason"
        )
    ) == [(staff.pk, "withdrawn on objection X")]
    assert Toestemming.history.get(id=row.pk).history_change_reason == "withdrawn on objection X"


def test_the_child_read_by_id_is_the_orms_child_decrypted(consent):
    user = consent.users["ouder_gezag"]
    g5 = consent.pupils["g5"]
    Leerling.objects.filter(pk=g5.pk).update(bsn="")  # the update path of the encrypted field
    g5.bsn = "123456782"
    g5.save()
    fast = portal_child(user, g5.pk)
    orm = Leerling.objects.visible_to(user).get(pk=g5.pk)
    assert fast is not None and fast.pk == g5.pk
    assert fast.bsn == orm.bsn == "123456782"
    assert [f.value_from_object(fast) for f in Leerling._meta.concrete_fields] == [
        f.value_from_object(orm) for f in Leerling._meta.concrete_fields
    ]
    assert portal_child(user, consent.pupils["g6"].pk) is None  # not in the family: the full query


def test_compiled_none_is_null_and_an_argument_not_carried_is_refused(consent):
    by_account = Compiled(
        lambda account_id: Ouder.objects.filter(account_id=account_id)[:1], account_id=int
    )
    ouder = Ouder.objects.filter(account__isnull=False).first()
    assert by_account.first(account_id=ouder.account_id) == ouder
    assert by_account.first(account_id=None) == Ouder.objects.filter(account=None).first()

    folded = Compiled(lambda pk: Ouder.objects.filter(pk__gte=0)[:1], pk=int)
    with pytest.raises(ValueError, match="pk"):
        folded.first(pk=1)

    today = Compiled(
        lambda pk: Leerling.objects.filter(pk=pk, geboortedatum__lte=timezone.localdate())[:1],
        pk=int,
    )
    with pytest.raises(ValueError, match="dates as arguments"):
        today.first(pk=1)
