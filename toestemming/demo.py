"""Consent demo data: this year's form for every school of the demo board and a realistic mix of
answers (yes, no, unanswered, a withdrawal, one two-parent conflict in the demo teacher's group);
the demo parent's two children are not answered yet.
A parent without an account gets a personal code (an invitation: it makes their account once),
printed with the other demo log-ins."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from leerlingen.custody import is_sixteen_plus
from leerlingen.models import Bestuur, Leerling, Ouder
from leerlingen.schooljaar import current_schooljaar

from .models import Kanaal
from .portal_auth import issue_code
from .roles import sync_consent_permissions
from .services import ensure_default_doelen, give_consent, publish_form

# Share of yes per purpose: parents are more careful with public places.
YES_RATE = {
    "website": 0.75,
    "website-besloten": 0.92,
    "nieuwsbrief": 0.88,
    "schoolapp": 0.93,
    "social-media": 0.5,
    "schoolgids": 0.85,
    "professionalisering": 0.7,
}


@transaction.atomic
def load_demo(bestuur: Bestuur, *, today=None, seed: int = 2026) -> list:
    from leerlingen.demo import DemoLogin  # here: leerlingen.demo imports this module

    rng = random.Random(seed + 5)
    now = timezone.now()
    today = today or timezone.localdate()
    schooljaar = current_schooljaar(today)
    sync_consent_permissions()
    demo_ouder = Ouder.objects.filter(account__username="ouder", bestuur=bestuur).first()
    demo_child_ids = (
        set(demo_ouder.relaties.values_list("leerling_id", flat=True)) if demo_ouder else set()
    )
    teacher_groep_ids = set(
        Leerling.objects.filter(
            school__bestuur=bestuur, groep__groepgrant__user__username="leerkracht"
        ).values_list("groep_id", flat=True)
    )
    conflict_done = False

    for school in bestuur.scholen.all():
        ensure_default_doelen(school=school)
        formulier = publish_form(
            school=school,
            schooljaar=schooljaar,
            inleiding="We maken op school graag foto's en video's van activiteiten. Geef per onderwerp aan of dat mag.",
            inleiding_en="At school we like to take photos and videos of activities. Please say for each subject whether that is allowed.",
        )
        formulier.gepubliceerd_op = now - timedelta(days=30)
        formulier.save(update_fields=["gepubliceerd_op"])
        doelen = list(school.doelen.filter(actief=True))
        pupils = (
            Leerling.objects.filter(school=school, groep__schooljaar=schooljaar)
            .prefetch_related("relaties__ouder")
            .order_by("id")
        )
        for leerling in pupils:
            gezag = [r.ouder for r in leerling.relaties.all() if r.heeft_gezag]
            if leerling.id in demo_child_ids:
                # The demo parent's two children (two groups): this year's form still open for
                # both, so a newcomer answers them in one go (issue 18).
                continue
            if not gezag:
                continue
            if not conflict_done and leerling.groep_id in teacher_groep_ids and len(gezag) == 2:
                for doel in doelen:
                    give_consent(
                        leerling=leerling,
                        doel=doel,
                        gegeven=True,
                        ouder=gezag[0],
                        tijdstip=now - timedelta(days=25),
                    )
                social = next(d for d in doelen if d.code == "social-media")
                give_consent(
                    leerling=leerling,
                    doel=social,
                    gegeven=False,
                    ouder=gezag[1],
                    tijdstip=now - timedelta(days=18),
                )
                conflict_done = True
                continue
            roll = rng.random()
            if roll < 0.18:
                continue  # unanswered
            chosen = doelen if roll > 0.32 else rng.sample(doelen, rng.randint(1, len(doelen) - 1))
            zestien = is_sixteen_plus(leerling, today)
            when = now - timedelta(days=rng.randint(2, 28), minutes=rng.randint(0, 600))
            paper = rng.random() < 0.15
            for doel in chosen:
                gegeven = rng.random() < YES_RATE.get(doel.code, 0.8)
                kwargs = {"door_leerling": True} if zestien else {"ouder": gezag[0]}
                give_consent(
                    leerling=leerling,
                    doel=doel,
                    gegeven=gegeven,
                    tijdstip=when,
                    kanaal=Kanaal.PAPIER if paper else Kanaal.PORTAAL,
                    **kwargs,
                )
                if not zestien and len(gezag) == 2 and rng.random() < 0.3:
                    give_consent(
                        leerling=leerling,
                        doel=doel,
                        gegeven=gegeven,
                        ouder=gezag[1],
                        tijdstip=when + timedelta(hours=3),
                    )
            if not zestien and roll > 0.9 and chosen:
                # Changed their mind: a withdrawal, kept in the history next to the earlier yes.
                doel = chosen[0]
                give_consent(
                    leerling=leerling, doel=doel, gegeven=True, ouder=gezag[0], tijdstip=when
                )
                give_consent(
                    leerling=leerling,
                    doel=doel,
                    gegeven=False,
                    ouder=gezag[0],
                    tijdstip=when + timedelta(days=1),
                )

    logins = []
    invited = (
        Ouder.objects.filter(bestuur=bestuur, account__isnull=True, relaties__heeft_gezag=True)
        .order_by("id")
        .first()
    )
    if invited:
        code = issue_code(schooljaar=schooljaar, door=None, ouder=invited)
        about = "code of a parent without an account: makes it once"
        logins.append(DemoLogin("ouder-code", code, about))
    return logins
