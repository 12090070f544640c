"""Demo requests: a few open requests in different states (new, identity checked, one near its
deadline, one overdue), one awaiting the director, one decided and not yet answered, one answered,
so a request can be taken from intake to answer."""

from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from leerlingen.models import Gezagsrelatie, Leerling, Ouder, School

from .models import IdDocument, Kanaal, Soort, Uitkomst
from .roles import sync_verzoeken_permissions
from .services import common, steps
from .services.documents import DECISION, PREVIEW, make_documents


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _parent_with_gezag(leerling) -> Ouder:
    return (
        Gezagsrelatie.objects.filter(leerling=leerling, heeft_gezag=True)
        .order_by("id")
        .first()
        .ouder
    )


def load_demo(bestuur, *, today: date | None = None) -> list:
    today = today or timezone.localdate()
    sync_verzoeken_permissions()
    primair = School.objects.filter(bestuur=bestuur, brin="12AB").first()
    if primair is None:
        return []
    common.instellingen_voor(primair)
    directeur = User.objects.get(username="directeur")
    admin = User.objects.get(username="administratie")
    enrolled = Leerling.objects.filter(
        school=primair, datum_uitschrijving__isnull=True, groep__isnull=False
    ).order_by("id")
    demo_parent = Ouder.objects.filter(account__username="ouder").first()
    demo_child = (
        demo_parent.relaties.filter(heeft_gezag=True).order_by("id").first().leerling
        if demo_parent
        else None
    )
    others = [p for p in enrolled.exclude(pk=getattr(demo_child, "pk", None))[:48:8]]
    made = []

    def file(leerling, soort, days_ago, kanaal, omschrijving="", ouder=None):
        ouder = ouder or _parent_with_gezag(leerling)
        v = steps.file_request(
            leerling=leerling,
            soort=soort,
            kanaal=kanaal,
            omschrijving=omschrijving,
            ouder=ouder,
            vastgelegd_door=(
                ouder.account if kanaal == Kanaal.PORTAAL and ouder.account else admin
            ),
            ontvangen_op=today - timedelta(days=days_ago),
            now=_at(today - timedelta(days=days_ago)),
        )
        made.append(v)
        return v

    def identify(v, days_ago):
        return steps.record_identity(
            verzoek=v,
            document_soort=IdDocument.ID_KAART,
            user=admin,
            gecontroleerd_op=_at(today - timedelta(days=days_ago), 15),
        )

    # The demo parent asked three days ago to see the child's data: the school plans the appointment.
    if demo_child is not None:
        v = file(
            demo_child,
            Soort.INZAGE,
            3,
            Kanaal.PORTAAL,
            "Ik wil graag zien welke gegevens de school over mijn kind heeft.",
            ouder=demo_parent,
        )
        steps.plan_appointment(
            verzoek=v, afspraak_op=_at(today + timedelta(days=2), 15), user=admin
        )

    # Near its deadline: a rectification by letter, identity checked, the correction still to be made.
    v = file(
        others[0],
        Soort.RECTIFICATIE,
        24,
        Kanaal.BRIEF,
        "Het woonadres in de administratie is niet meer juist.",
    )
    identify(v, 17)

    # Overdue: an objection by e-mail nobody picked up.
    file(
        others[1],
        Soort.BEZWAAR,
        30,
        Kanaal.EMAIL,
        "Ik maak bezwaar tegen het gebruik van de schoolapp voor groepsfoto's.",
    )

    # Awaiting the director: an access request, prepared by the administration (preview export made).
    v = file(others[2], Soort.INZAGE, 12, Kanaal.BRIEF)
    identify(v, 6)
    steps.submit(
        verzoek=v,
        uitkomst=Uitkomst.TOEGEWEZEN,
        user=admin,
        motivering="U krijgt inzage in alle gegevens die de school over uw kind heeft.",
    )
    make_documents(verzoek_id=v.pk, stap=PREVIEW, user_id=admin.pk)

    # An erasure request: the pupil is enrolled, so the retention term stands in the way.
    v = file(others[3], Soort.WISSEN, 8, Kanaal.EMAIL, "Verwijder alle gegevens van mijn kind.")
    identify(v, 4)

    # Answered: data portability, decided by the director and released.
    v = file(
        others[4],
        Soort.OVERDRAAGBAARHEID,
        20,
        Kanaal.BRIEF,
        "Graag de gegevens voor de nieuwe school.",
    )
    identify(v, 15)
    steps.submit(
        verzoek=v,
        uitkomst=Uitkomst.TOEGEWEZEN,
        user=admin,
        motivering="U ontvangt alle gegevens als PDF, JSON en CSV.",
    )
    make_documents(verzoek_id=v.pk, stap=PREVIEW, user_id=admin.pk)  # the worker's job, now
    steps.approve(verzoek=v, user=directeur)
    make_documents(verzoek_id=v.pk, stap=DECISION, user_id=directeur.pk)
    steps.answer(verzoek=v, user=directeur)

    # Decided: an objection the director approved; the answer is still to be released.
    v = file(
        others[5],
        Soort.BEZWAAR,
        10,
        Kanaal.EMAIL,
        "Ik wil niet dat de naam van mijn kind in de nieuwsbrief staat.",
    )
    identify(v, 7)
    steps.submit(
        verzoek=v,
        uitkomst=Uitkomst.TOEGEWEZEN,
        user=admin,
        motivering="De naam van uw kind wordt niet meer in de nieuwsbrief genoemd.",
    )
    steps.approve(verzoek=v, user=directeur)
    make_documents(verzoek_id=v.pk, stap=DECISION, user_id=directeur.pk)
    return made
