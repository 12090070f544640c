"""Reads for the portal and the staff pages, in a fixed number of queries whatever the number of
children, pupils or purposes. Access comes from ``visible_to`` only."""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from leerlingen import custody
from leerlingen.models import Groep, Leerling, Ouder
from leerlingen.schooljaar import current_schooljaar

from .models import Formulier, FormulierTekst
from .rules import Antwoord, Status, effective_consents


def current_forms(school_ids, schooljaar: str) -> dict[int, Formulier]:
    """The latest published form per school for the school year: one query."""
    forms = {}
    for form in (
        Formulier.objects.gepubliceerd()
        .filter(school_id__in=list(school_ids), schooljaar=schooljaar)
        .order_by("school_id", "-versie")
    ):
        forms.setdefault(form.school_id, form)
    return forms


def form_texts(forms) -> dict[int, list[FormulierTekst]]:
    """Form id -> its texts with their purposes, in purpose order: one query."""
    by_form: dict[int, list[FormulierTekst]] = {f.id: [] for f in forms}
    if by_form:
        for tekst in (
            FormulierTekst.objects.filter(formulier_id__in=list(by_form))
            .select_related("doel")
            .order_by("doel__volgorde", "doel_id")
        ):
            by_form[tekst.formulier_id].append(tekst)
    return by_form


@dataclass
class Vraag:
    tekst: FormulierTekst
    antwoord: Antwoord
    mijn_antwoord: bool | None = None

    @property
    def doel(self):
        return self.tekst.doel


@dataclass
class KindStatus:
    leerling: Leerling
    formulier: Formulier | None
    vragen: list[Vraag] = field(default_factory=list)
    zestien: bool = False
    volwassen: bool = False  # 18 or older: the pupil decides, a parent sees only as the pupil lets
    is_zelf: bool = False  # the pupil is the logged-in user
    kan_beslissen: bool = False
    reden: str = ""  # rule code when the user cannot decide

    @property
    def open_count(self) -> int:
        return sum(1 for v in self.vragen if v.antwoord.status == Status.OPEN)

    @property
    def answered_count(self) -> int:
        return len(self.vragen) - self.open_count

    @property
    def conflict_count(self) -> int:
        return sum(1 for v in self.vragen if v.antwoord.conflict)

    @property
    def progress_class(self) -> str:
        """A CSS class for the answered share in steps of ten (no inline styles: strict CSP)."""
        if not self.vragen:
            return "p0"
        return f"p{round(self.answered_count * 10 / len(self.vragen)) * 10}"

    @property
    def initial(self) -> str:
        return (self.leerling.roepnaam or "?")[:1].upper()

    @property
    def mijn_open_count(self) -> int:
        """Questions the logged-in decider has not answered yet."""
        return sum(1 for v in self.vragen if v.mijn_antwoord is None)


def portal_status(*, user, leerlingen, on: date | None = None) -> list[KindStatus]:
    """Per child: this year's form, the effective answer and the user's own answer per purpose."""
    on = on or timezone.localdate()
    leerlingen = list(leerlingen)
    schooljaar = current_schooljaar(on)
    forms = current_forms({p.school_id for p in leerlingen}, schooljaar)
    texts = form_texts(forms.values())
    doel_ids = sorted({t.doel_id for ts in texts.values() for t in ts})
    answers = effective_consents(leerlingen=leerlingen, doel_ids=doel_ids, on=on)
    ouder_id = Ouder.objects.filter(account=user).values_list("id", flat=True).first()
    result = []
    for leerling in leerlingen:
        form = forms.get(leerling.school_id)
        status = KindStatus(
            leerling=leerling,
            formulier=form,
            zestien=custody.is_sixteen_plus(leerling, on),
            volwassen=custody.is_adult(leerling, on),
            is_zelf=leerling.account_id == user.id,
        )
        refused = custody.portal_refusal(user, leerling, on)
        if form is None:
            status.reden = "no_form"
        else:
            status.kan_beslissen = refused is None
            status.reden = refused.value if refused else ""
        for tekst in texts.get(form.id, []) if form else []:
            antwoord = answers[(leerling.id, tekst.doel_id)]
            if status.is_zelf:
                mine = (antwoord.status == Status.JA) if antwoord.door_leerling else None
            else:
                mine = antwoord.ouders.get(ouder_id)
            status.vragen.append(Vraag(tekst=tekst, antwoord=antwoord, mijn_antwoord=mine))
        result.append(status)
    return result


# --- staff -------------------------------------------------------------------------------


@dataclass
class GroepRij:
    leerling: Leerling
    antwoorden: list[Antwoord]

    @property
    def open_count(self) -> int:
        return sum(1 for a in self.antwoorden if a.status == Status.OPEN)


@dataclass
class GroepStatus:
    groep: Groep
    formulier: Formulier | None
    doelen: list
    rijen: list[GroepRij]

    @property
    def unanswered(self) -> int:
        """Pupils for whom not a single question of this year's form has been answered."""
        return sum(1 for r in self.rijen if self.doelen and r.open_count == len(self.doelen))

    @property
    def partial(self) -> int:
        return sum(1 for r in self.rijen if 0 < r.open_count < len(self.doelen))

    @property
    def complete(self) -> int:
        return sum(1 for r in self.rijen if self.doelen and r.open_count == 0)

    @property
    def conflicts(self) -> int:
        return sum(1 for r in self.rijen for a in r.antwoorden if a.conflict)


def groups_status(*, user, groepen, on: date | None = None) -> list[GroepStatus]:
    """For each group: the purposes of the school's current form and every pupil's answers."""
    on = on or timezone.localdate()
    groepen = list(groepen)
    pupils = list(
        Leerling.objects.visible_to(user)
        .filter(groep__in=[g.id for g in groepen])
        .order_by("achternaam", "roepnaam", "id")
    )
    forms = current_forms({g.school_id for g in groepen}, current_schooljaar(on))
    texts = form_texts(forms.values())
    doel_ids = sorted({t.doel_id for ts in texts.values() for t in ts})
    answers = effective_consents(leerlingen=pupils, doel_ids=doel_ids, on=on)
    by_group: dict[int, list[Leerling]] = {}
    for p in pupils:
        by_group.setdefault(p.groep_id, []).append(p)
    result = []
    for groep in groepen:
        form = forms.get(groep.school_id)
        doelen = [t.doel for t in texts.get(form.id, [])] if form else []
        rijen = [
            GroepRij(leerling=p, antwoorden=[answers[(p.id, d.id)] for d in doelen])
            for p in by_group.get(groep.id, [])
        ]
        result.append(GroepStatus(groep=groep, formulier=form, doelen=doelen, rijen=rijen))
    return result


def consent_purposes(school, *, active_only: bool = False):
    """The school's consent purposes in their order (``leerlingen.registry.consent_purposes``)."""
    from .models import Doel

    doelen = Doel.objects.filter(school=school)
    if active_only:
        doelen = doelen.filter(actief=True)
    return doelen.order_by("volgorde", "id")


def consents_of_pupil(leerling):
    """Every consent decision on the pupil, newest first: for the access export of a request
    (``leerlingen.registry.consents_of_pupil``)."""
    from .models import Toestemming

    return (
        Toestemming.objects.filter(leerling_id=leerling.pk)
        .select_related("doel")
        .order_by("-tijdstip", "-id")
    )
