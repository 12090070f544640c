"""Data-subject requests (DOMAIN.md § Rights and requests): the request with its steps and
deadline, restrictions, rectification follow-ups, deadline warnings, the documents handed over,
further copies and the school's settings (deadline and copy-fee table).

The rules live in ``deadlines.py`` / ``rules.py``, the state machine in ``workflow.py``, the
writes in ``services.py`` and the export in ``exports.py``; who sees what in ``access.py``.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from simple_history.models import HistoricalRecords

from core.crypto import EncryptedTextField

from .access import (
    BeperkingQuerySet,
    DocumentQuerySet,
    InstellingenQuerySet,
    KopieQuerySet,
    RectificatiemeldingQuerySet,
    TermijnsignaalQuerySet,
    VerzoekQuerySet,
)


class Soort(models.TextChoices):
    """The kinds of request (AVG art. 15–21; seeds 000–003)."""

    INZAGE = "inzage", _("access (inzage)")
    RECTIFICATIE = "rectificatie", _("rectification")
    BEPERKING = "beperking", _("restriction of processing")
    WISSEN = "wissen", _("erasure")
    OVERDRAAGBAARHEID = "overdraagbaarheid", _("data portability")
    BEZWAAR = "bezwaar", _("objection")


class Status(models.TextChoices):
    ONTVANGEN = "ontvangen", _("received")
    ID_GECONTROLEERD = "id_gecontroleerd", _("identity checked")
    TER_BEOORDELING = "ter_beoordeling", _("awaiting the director's review")
    BESLOTEN = "besloten", _("decided")
    AFGEHANDELD = "afgehandeld", _("answered")
    INGETROKKEN = "ingetrokken", _("withdrawn")

    @classmethod
    def open(cls) -> tuple[str, ...]:
        return (cls.ONTVANGEN, cls.ID_GECONTROLEERD, cls.TER_BEOORDELING, cls.BESLOTEN)


class Uitkomst(models.TextChoices):
    TOEGEWEZEN = "toegewezen", _("granted")
    DEELS = "deels", _("partly granted")
    AFGEWEZEN = "afgewezen", _("refused")


class IndienerRol(models.TextChoices):
    OUDER = "ouder", _("parent with parental authority")
    LEERLING = "leerling", _("pupil aged 16 or older")


class Kanaal(models.TextChoices):
    PORTAAL = "portaal", _("portal")
    BRIEF = "brief", _("letter")
    EMAIL = "email", _("e-mail")
    BALIE = "balie", _("in person")


class IdDocument(models.TextChoices):
    """The kinds of legal ID document (Wet op de identificatieplicht). Only the kind is stored."""

    PASPOORT = "paspoort", _("passport")
    ID_KAART = "id_kaart", _("identity card")
    RIJBEWIJS = "rijbewijs", _("driving licence")
    VERBLIJFSDOCUMENT = "verblijfsdocument", _("residence document")


class Verzoek(models.Model):
    """One request of a parent with parental authority or a pupil of 16+, from intake to answer."""

    kenmerk = models.CharField(_("reference"), max_length=30, unique=True, editable=False)
    school = models.ForeignKey(
        "leerlingen.School", models.PROTECT, related_name="verzoeken", verbose_name=_("school")
    )
    leerling = models.ForeignKey(
        "leerlingen.Leerling",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="verzoeken",
        verbose_name=_("pupil"),
        help_text=_("Empty once the pupil's data have been erased."),
    )
    soort = models.CharField(_("kind of request"), max_length=20, choices=Soort.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ONTVANGEN
    )
    indiener_rol = models.CharField(_("requester"), max_length=10, choices=IndienerRol.choices)
    indiener_ouder = models.ForeignKey(
        "leerlingen.Ouder",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="verzoeken",
        verbose_name=_("requesting parent"),
    )
    kanaal = models.CharField(_("received through"), max_length=10, choices=Kanaal.choices)
    omschrijving = EncryptedTextField(
        _("the request in the requester's words"),
        blank=True,
        help_text=_(
            "What is asked; for a rectification what is wrong, for an objection the grounds. Stored encrypted."
        ),
    )
    ontvangen_op = models.DateField(
        _("received on"),
        help_text=_(
            "The date the school received the request (Europe/Amsterdam); the deadline counts from it."
        ),
    )
    vastgelegd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    vastgelegd_op = models.DateTimeField(_("recorded at"), default=timezone.now)
    eerste_termijn = models.DateField(
        _("first deadline"), help_text=_("Four weeks after receipt (the school's promise).")
    )
    uiterste_datum = models.DateField(
        _("deadline"), db_index=True, help_text=_("The first deadline, moved by an extension.")
    )
    verlenging_maanden = models.PositiveSmallIntegerField(
        _("extension in months"), default=0, validators=[MaxValueValidator(2)]
    )
    verlenging_reden = models.TextField(_("reasons for the extension"), blank=True)
    verlenging_gemeld_op = models.DateField(
        _("requester told of the extension on"),
        null=True,
        blank=True,
        help_text=_("AVG art. 12(3): before the first deadline."),
    )
    afspraak_op = models.DateTimeField(
        _("appointment"),
        null=True,
        blank=True,
        help_text=_("The appointment the school planned to check identity."),
    )
    id_gecontroleerd_op = models.DateTimeField(_("identity checked at"), null=True, blank=True)
    id_gecontroleerd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("identity checked by"),
    )
    id_document_soort = models.CharField(
        _("kind of ID document shown"),
        max_length=20,
        choices=IdDocument.choices,
        blank=True,
        help_text=_("Only the kind: never a copy or the document number."),
    )
    behandelaar = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handler"),
    )
    voorbereid_op = models.DateTimeField(_("prepared at"), null=True, blank=True)
    beoordelaar = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    besloten_op = models.DateTimeField(_("decided at"), null=True, blank=True)
    uitkomst = models.CharField(_("outcome"), max_length=12, choices=Uitkomst.choices, blank=True)
    motivering = models.TextField(
        _("reasons for the decision"),
        blank=True,
        help_text=_("Sent to the requester. No names of others."),
    )
    beantwoord_op = models.DateTimeField(_("answered at"), null=True, blank=True)
    teruggestuurd_reden = models.TextField(_("director's comment when sent back"), blank=True)
    achtergehouden = models.JSONField(
        _("dossier items withheld"),
        default=list,
        blank=True,
        help_text=_(
            "Ids of dossier items the director withholds from the access export (AVG art. 15(4))."
        ),
    )
    gewijzigde_velden = models.JSONField(
        _("corrected fields"),
        default=list,
        blank=True,
        help_text=_("For a rectification: the codes of the fields that were corrected."),
    )
    history = HistoricalRecords()

    objects = VerzoekQuerySet.as_manager()

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ["uiterste_datum", "id"]
        indexes = [models.Index(fields=["school", "status", "uiterste_datum"])]
        permissions = [("approve_verzoek", _("Reviews and approves requests (director)"))]

    def __str__(self):
        return f"{self.kenmerk} – {self.get_soort_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in Status.open()

    @property
    def id_gecontroleerd(self) -> bool:
        return self.id_gecontroleerd_op is not None

    @property
    def levert_export(self) -> bool:
        return self.soort in (Soort.INZAGE, Soort.OVERDRAAGBAARHEID)

    def dagen_over(self, today=None) -> int:
        return (self.uiterste_datum - (today or timezone.localdate())).days


class Beperking(models.Model):
    """A restriction of processing (AVG art. 18): the pupil's data are kept but not used."""

    leerling = models.ForeignKey(
        "leerlingen.Leerling", models.CASCADE, related_name="beperkingen", verbose_name=_("pupil")
    )
    verzoek = models.ForeignKey(
        Verzoek,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="beperkingen",
        verbose_name=_("request"),
    )
    reden = models.CharField(
        _("ground"), max_length=300, help_text=_("Why processing is restricted. No names.")
    )
    categorieen = models.JSONField(
        _("restricted categories"),
        default=list,
        blank=True,
        help_text=_(
            "The data categories whose processing is restricted; empty: all of the pupil's data."
        ),
    )
    ingesteld_op = models.DateTimeField(_("restricted from"), default=timezone.now)
    ingesteld_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("set by"),
    )
    opgeheven_op = models.DateTimeField(_("lifted at"), null=True, blank=True)
    opgeheven_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lifted by"),
    )
    opheffing_reden = models.CharField(_("reason for lifting"), max_length=300, blank=True)
    history = HistoricalRecords()

    objects = BeperkingQuerySet.as_manager()

    class Meta:
        verbose_name = _("restriction of processing")
        verbose_name_plural = _("restrictions of processing")
        ordering = ["-ingesteld_op"]
        indexes = [models.Index(fields=["leerling", "opgeheven_op"])]

    def __str__(self):
        return str(_("Restriction of %(date)s") % {"date": f"{self.ingesteld_op:%Y-%m-%d}"})

    @property
    def actief(self) -> bool:
        return self.opgeheven_op is None


class Correctiebron(models.TextChoices):
    VERZOEK = "verzoek", _("rectification request")
    REGISTER = "register", _("edit in the register")
    IMPORT = "import", _("import")


class Rectificatiemelding(models.Model):
    """A follow-up of a correction: one recipient that received the corrected fields must be
    told (AVG art. 19, seed 003). Made by a rectification request, or by a correction made
    directly in the register or by an import (then without a request, for the pupil)."""

    verzoek = models.ForeignKey(
        Verzoek,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="meldingen",
        verbose_name=_("request"),
    )
    leerling = models.ForeignKey(
        "leerlingen.Leerling",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pupil"),
    )
    school = models.ForeignKey(
        "leerlingen.School",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("school"),
    )
    bron = models.CharField(
        _("corrected by"),
        max_length=10,
        choices=Correctiebron.choices,
        default=Correctiebron.VERZOEK,
    )
    aangemaakt = models.DateTimeField(_("created"), default=timezone.now)
    ontvanger = models.ForeignKey(
        "delen.Ontvanger", models.PROTECT, related_name="+", verbose_name=_("recipient")
    )
    ontvanger_naam = models.CharField(_("recipient"), max_length=200)
    verstrekkingen = models.JSONField(
        _("disclosures"), default=list, help_text=_("References of the disclosures concerned.")
    )
    velden = models.JSONField(_("corrected fields it received"), default=list)
    geinformeerd_op = models.DateField(_("informed on"), null=True, blank=True)
    geinformeerd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("informed by"),
    )
    niet_mogelijk_reden = models.TextField(
        _("why informing is impossible"),
        blank=True,
        help_text=_(
            "Only when informing is impossible or takes a disproportionate effort (AVG art. 19)."
        ),
    )
    history = HistoricalRecords()

    objects = RectificatiemeldingQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification follow-up")
        verbose_name_plural = _("rectification follow-ups")
        ordering = ["verzoek", "ontvanger_naam"]
        constraints = [
            models.UniqueConstraint(
                fields=["verzoek", "ontvanger"], name="rectificatiemelding_unique"
            )
        ]

    def __str__(self):
        return self.ontvanger_naam

    @property
    def afgerond(self) -> bool:
        return self.geinformeerd_op is not None or bool(self.niet_mogelijk_reden)


class Termijnsignaal(models.Model):
    """A deadline warning: a row first, then a mail (idempotent: one per request, kind and deadline)."""

    class Soort(models.TextChoices):
        WEEK = "week", _("one week before the deadline (handler)")
        DAG = "dag", _("on the day of the deadline (director)")
        VERLOPEN = "verlopen", _("deadline passed (director and FG)")

    verzoek = models.ForeignKey(
        Verzoek, models.CASCADE, related_name="signalen", verbose_name=_("request")
    )
    soort = models.CharField(_("kind"), max_length=10, choices=Soort.choices)
    uiterste_datum = models.DateField(_("deadline"))
    aangemaakt_op = models.DateTimeField(_("created at"), default=timezone.now)
    verzonden_op = models.DateTimeField(_("sent at"), null=True, blank=True)
    aantal_ontvangers = models.PositiveSmallIntegerField(_("number of recipients"), default=0)
    history = HistoricalRecords()

    objects = TermijnsignaalQuerySet.as_manager()

    class Meta:
        verbose_name = _("deadline warning")
        verbose_name_plural = _("deadline warnings")
        ordering = ["-aangemaakt_op"]
        constraints = [
            models.UniqueConstraint(
                fields=["verzoek", "soort", "uiterste_datum"], name="termijnsignaal_unique"
            )
        ]

    def __str__(self):
        return f"{self.verzoek.kenmerk} – {self.get_soort_display()}"


class Document(models.Model):
    """A document of a request: the access export (PDF, JSON, CSV) or the decision letter.

    Stored encrypted; the pupil link makes the erasure service take it along with the pupil.
    """

    class Soort(models.TextChoices):
        AFSCHRIFT_PDF = "afschrift_pdf", _("copy of the data (PDF)")
        AFSCHRIFT_JSON = "afschrift_json", _("data for transfer (JSON)")
        AFSCHRIFT_CSV = "afschrift_csv", _("data for transfer (CSV)")
        BESLUIT = "besluit", _("decision letter (PDF)")

    verzoek = models.ForeignKey(
        Verzoek, models.CASCADE, related_name="documenten", verbose_name=_("request")
    )
    leerling = models.ForeignKey(
        "leerlingen.Leerling", models.CASCADE, null=True, related_name="+", verbose_name=_("pupil")
    )
    soort = models.CharField(_("kind"), max_length=20, choices=Soort.choices)
    bestandsnaam = models.CharField(_("file name"), max_length=200)
    inhoud = EncryptedTextField(_("contents (base64, encrypted)"))
    paginas = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    grootte = models.PositiveIntegerField(_("size in bytes"))
    aangemaakt_op = models.DateTimeField(_("made at"), default=timezone.now)
    aangemaakt_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("made by"),
    )
    definitief = models.BooleanField(
        _("final"), default=False, help_text=_("A preview for the director's review is not final.")
    )
    vrijgegeven_op = models.DateTimeField(_("released to the requester at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["inhoud"])

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("request document")
        verbose_name_plural = _("request documents")
        ordering = ["verzoek", "soort", "-aangemaakt_op"]

    def __str__(self):
        return self.bestandsnaam

    @property
    def content_type(self) -> str:
        return {
            self.Soort.AFSCHRIFT_JSON: "application/json",
            self.Soort.AFSCHRIFT_CSV: "text/csv; charset=utf-8",
        }.get(self.soort, "application/pdf")

    def content(self) -> bytes:
        import base64

        return base64.b64decode(self.inhoud)


class Kopie(models.Model):
    """A copy handed over: the first is free, further copies follow the school's fee table (AVG art. 15(3))."""

    verzoek = models.ForeignKey(
        Verzoek, models.CASCADE, related_name="kopieen", verbose_name=_("request")
    )
    nummer = models.PositiveSmallIntegerField(_("copy number"))
    paginas = models.PositiveIntegerField(_("pages"))
    kosten = models.DecimalField(_("fee (EUR)"), max_digits=7, decimal_places=2)
    aangemaakt_op = models.DateTimeField(_("made at"), default=timezone.now)
    aangemaakt_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("made by"),
    )
    history = HistoricalRecords()

    objects = KopieQuerySet.as_manager()

    class Meta:
        verbose_name = _("copy")
        verbose_name_plural = _("copies")
        ordering = ["verzoek", "nummer"]
        constraints = [
            models.UniqueConstraint(fields=["verzoek", "nummer"], name="kopie_unique_nummer")
        ]

    def __str__(self):
        return f"{self.verzoek.kenmerk} #{self.nummer}"


class VerzoekInstellingen(models.Model):
    """A school's rules for requests: the deadline and the copy-fee table (seed 003 by default)."""

    school = models.OneToOneField(
        "leerlingen.School",
        models.CASCADE,
        related_name="verzoekinstellingen",
        verbose_name=_("school"),
    )
    termijn_weken = models.PositiveSmallIntegerField(
        _("deadline in weeks"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text=_(
            "Answer within this many weeks after receipt. The school's promise is four weeks (privacy statement 003); the AVG allows one month at most."
        ),
    )
    prijs_per_pagina = models.DecimalField(
        _("fee per page (EUR)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.23"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    maximum = models.DecimalField(
        _("maximum fee (EUR)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("4.50"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    drempel_paginas = models.PositiveIntegerField(
        _("pages above which the higher maximum applies"), default=100
    )
    maximum_boven_drempel = models.DecimalField(
        _("maximum fee above that number of pages (EUR)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("22.50"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    history = HistoricalRecords()

    objects = InstellingenQuerySet.as_manager()

    class Meta:
        verbose_name = _("request settings")
        verbose_name_plural = _("request settings")

    def __str__(self):
        return str(_("Request settings of %(school)s") % {"school": self.school.naam})
