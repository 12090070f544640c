"""Disclosures: recipients with their legal basis and allowed field set, police demands, the
disclosure log, processors and their agreements, and the adopted register of processing.

The rules that decide whether a disclosure may happen live in ``delen/rules.py``; the act of
disclosing (producing the file and its record) in ``delen/services.py``. Who sees which rows is
decided in ``delen/access.py`` on top of ``leerlingen/access.py``.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from simple_history.models import HistoricalRecords

from leerlingen.models import Gegevenscategorie, Leerling, School

from .access import (
    OntvangerQuerySet,
    RegisterVersieQuerySet,
    VerloopwaarschuwingQuerySet,
    VerstrekkingQuerySet,
    VerwerkerQuerySet,
    VerwerkersovereenkomstQuerySet,
    VorderingQuerySet,
)
from .validators import validate_pdf


class Grondslag(models.TextChoices):
    """The legal basis of a disclosure (AVG art. 6(1))."""

    WETTELIJKE_PLICHT = "wettelijke_plicht", _("legal duty")
    WETTELIJKE_TAAK = "wettelijke_taak", _("legal task")
    ALGEMEEN_BELANG = "algemeen_belang", _("public interest")
    VITAAL_BELANG = "vitaal_belang", _("vital interest")
    VERWERKERSOVEREENKOMST = "verwerkersovereenkomst", _("processor agreement")
    TOESTEMMING = "toestemming", _("consent")


class Soort(models.TextChoices):
    """The kind of recipient. The kinds of DOMAIN.md's table carry their own rules."""

    DUO = "duo", _("DUO / BRON")
    LEERPLICHT = "leerplicht", _("School attendance officer (leerplichtambtenaar)")
    INSPECTIE = "inspectie", _("Education Inspectorate")
    JGZ = "jgz", _("GGD / youth health care (JGZ)")
    VEILIG_THUIS = "veilig_thuis", _("Veilig Thuis")
    POLITIE = "politie", _("Police")
    ZORGTEAM = "zorgteam", _("Care team / CvdB")
    SWV = "swv", _("Special-needs partnership (samenwerkingsverband)")
    BESTUUR = "bestuur", _("Board")
    ACCOUNTANT = "accountant", _("Accountant")
    BASISPOORT = "basispoort", _("Basispoort")
    UITGEVER = "uitgever", _("Publisher of digital learning material")
    ONDERZOEK = "onderzoek", _("Survey bureau")
    DRUKKER = "drukker", _("Printer")
    WEBSITE = "website", _("Website host")
    OVERIG = "overig", _("Other recipient")


class Formaat(models.TextChoices):
    CSV = "csv", _("CSV (for a system)")
    PDF = "pdf", _("PDF (for a person)")


class Ontvanger(models.Model):
    """A recipient outside the school, with its legal basis and the exact fields it may receive."""

    school = models.ForeignKey(
        School, models.PROTECT, related_name="ontvangers", verbose_name=_("school")
    )
    soort = models.CharField(
        _("kind"),
        max_length=20,
        choices=Soort.choices,
        default=Soort.OVERIG,
        help_text=_(
            "The kinds of the standard register carry their own rules; new recipients are 'other'."
        ),
    )
    naam = models.CharField(_("name"), max_length=200)
    naam_en = models.CharField(
        _("name in English"),
        max_length=200,
        blank=True,
        help_text=_("Shown when the portal is in English; empty: the Dutch name is shown."),
    )
    grondslag = models.CharField(_("legal basis"), max_length=30, choices=Grondslag.choices)
    velden = models.JSONField(
        _("allowed fields"),
        default=list,
        blank=True,
        help_text=_(
            "The exact pupil fields that may go to this recipient. Nothing else ever leaves."
        ),
    )
    formaat = models.CharField(
        _("default format"), max_length=3, choices=Formaat.choices, default=Formaat.CSV
    )
    toelichting = models.TextField(
        _("explanation"), blank=True, help_text=_("What may go, why, and the source of the rule.")
    )
    toelichting_en = models.TextField(
        _("explanation in English"),
        blank=True,
        help_text=_("Shown when the portal is in English; empty: the Dutch text is shown."),
    )
    toestemming_doel = models.CharField(
        _("consent purpose"),
        max_length=50,
        blank=True,
        help_text=_(
            "Code of the consent purpose each pupil needs on the day of disclosure; empty if no consent is needed."
        ),
    )
    verwerker = models.ForeignKey(
        "Verwerker",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="ontvangers",
        verbose_name=_("processor"),
        help_text=_(
            "For a processor: the disclosure needs a processor agreement valid on that day."
        ),
    )
    licentie = models.BooleanField(
        _("licence held"),
        default=False,
        help_text=_(
            "Publishers receive data only while the school holds a licence for their material."
        ),
    )
    actief = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    objects = OntvangerQuerySet.as_manager()

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["school", "naam"]
        constraints = [
            models.UniqueConstraint(fields=["school", "naam"], name="ontvanger_unique_naam"),
            models.UniqueConstraint(
                fields=["school", "soort"],
                condition=~models.Q(soort="overig"),
                name="ontvanger_unique_soort",
            ),
        ]

    def __str__(self):
        return self.naam

    @property
    def is_standaard(self) -> bool:
        return self.soort != Soort.OVERIG

    def clean(self):
        from .rules import recipient_field_errors

        errors = recipient_field_errors(
            soort=self.soort,
            grondslag=self.grondslag,
            velden=self.velden,
            toestemming_doel=self.toestemming_doel,
        )
        if errors:
            raise ValidationError({"velden": errors})


class Ontvangstwijze(models.TextChoices):
    SCHRIFTELIJK = "schriftelijk", _("in writing")
    TELEFONISCH = "telefonisch", _("by phone")


class Vordering(models.Model):
    """A demand of the police (art. 126nc Sv). Data go only on a written demand with all four
    parts; an incomplete demand or a request by phone is recorded as received and refused."""

    school = models.ForeignKey(
        School, models.PROTECT, related_name="vorderingen", verbose_name=_("school")
    )
    ontvangstwijze = models.CharField(
        _("received"),
        max_length=12,
        choices=Ontvangstwijze.choices,
        default=Ontvangstwijze.SCHRIFTELIJK,
    )
    geweigerd = models.BooleanField(
        _("received and refused"),
        default=False,
        help_text=_(
            "An incomplete written demand or a request by phone: recorded, refused, answered by letter."
        ),
    )
    leerling = models.ForeignKey(
        Leerling,
        models.CASCADE,
        null=True,  # empty once the pupil is erased: the demand is kept without them (delen/retention.py)
        blank=True,  # (a) missing: a demand that does not name the person is refused
        related_name="vorderingen",
        verbose_name=_("person concerned"),
        help_text=_("(a) The person whose identifying data are demanded."),
    )
    gevraagde_gegevens = models.JSONField(
        _("data asked"),
        default=list,
        blank=True,
        help_text=_("(b) The identifying data the demand names."),
    )
    termijn = models.DateField(
        _("term of delivery"),
        null=True,
        blank=True,
        help_text=_("(c) The date by which the data are to be given."),
    )
    wijze_van_verstrekking = models.CharField(
        _("manner of delivery"),
        max_length=200,
        blank=True,
        help_text=_("(c) How the data are to be given, e.g. in person, by secure mail."),
    )
    titel = models.CharField(
        _("legal title"),
        max_length=200,
        blank=True,
        help_text=_("(d) The legal title of the demand, e.g. art. 126nc Sv."),
    )
    ontvangen_op = models.DateField(_("received on"), default=timezone.localdate)
    kenmerk_politie = models.CharField(
        _("police reference"),
        max_length=100,
        blank=True,
        help_text=_("The reference on the demand; no names."),
    )
    vastgelegd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    history = HistoricalRecords()

    objects = VorderingQuerySet.as_manager()

    class Meta:
        verbose_name = _("police demand (vordering)")
        verbose_name_plural = _("police demands (vorderingen)")
        ordering = ["-ontvangen_op", "-id"]

    def __str__(self):
        ref = self.kenmerk_politie or f"#{self.pk}"
        return _("Demand %(ref)s of %(date)s") % {"ref": ref, "date": self.ontvangen_op}

    def clean(self):
        from .rules import demand_record_errors

        errors = demand_record_errors(self)
        if self.leerling_id and self.school_id and self.leerling.school_id != self.school_id:
            errors["leerling"] = _("The person concerned is not a pupil of this school.")
        if errors:
            raise ValidationError(errors)

    def weigeringsgronden(self) -> list[str]:
        """Why this demand is refused: it came by phone, or the parts that are missing."""
        from .rules import demand_refusal_reasons

        return demand_refusal_reasons(self)


class Verstrekking(models.Model):
    """One disclosure: created by the act of exporting (``delen.services.disclose``), never typed."""

    kenmerk = models.CharField(_("reference"), max_length=30, unique=True, editable=False)
    school = models.ForeignKey(
        School, models.PROTECT, related_name="verstrekkingen", verbose_name=_("school")
    )
    ontvanger = models.ForeignKey(
        Ontvanger, models.PROTECT, related_name="verstrekkingen", verbose_name=_("recipient")
    )
    ontvanger_naam = models.CharField(_("recipient name at the time"), max_length=200)
    grondslag = models.CharField(_("legal basis"), max_length=30, choices=Grondslag.choices)
    leerlingen = models.ManyToManyField(
        Leerling, related_name="verstrekkingen", verbose_name=_("pupils")
    )
    aantal_leerlingen = models.PositiveIntegerField(_("number of pupils"))
    velden = models.JSONField(_("fields"), default=list)
    categorieen = models.JSONField(_("data categories"), default=list)
    formaat = models.CharField(_("format"), max_length=3, choices=Formaat.choices)
    doel = models.CharField(_("purpose"), max_length=300)
    bestandsnaam = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(
        _("SHA-256 of the file"),
        max_length=64,
        help_text=_("Shows that a file is the one that was disclosed."),
    )
    grootte = models.PositiveIntegerField(_("size in bytes"))
    tijdstip = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    opgesteld_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("prepared by")
    )
    goedgekeurd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("approved by")
    )
    ouders_geinformeerd_op = models.DateField(_("parents informed on"), null=True, blank=True)
    veiligheid_in_geding = models.BooleanField(
        _("safety at stake"),
        default=False,
        help_text=_(
            "Parents not informed beforehand because the safety of the child or another is at stake."
        ),
    )
    reden_niet_informeren = models.TextField(_("reason for not informing the parents"), blank=True)
    anoniem = models.BooleanField(_("anonymous case"), default=False)
    eigen_zorgverleners = models.BooleanField(
        _("family's own care providers involved"), default=False
    )
    # The consent for this case when the family's own care providers join: when, and who gave it.
    zorgverleners_toestemming_op = models.DateField(
        _("consent for own care providers given on"), null=True, blank=True
    )
    zorgverleners_toestemming_ouder = models.ForeignKey(
        "leerlingen.Ouder",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consent given by (parent)"),
    )
    zorgverleners_toestemming_leerling = models.BooleanField(
        _("consent given by the pupil (16+)"), default=False
    )
    vordering = models.ForeignKey(
        Vordering,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="verstrekkingen",
        verbose_name=_("police demand"),
    )
    history = HistoricalRecords(m2m_fields=[leerlingen])

    objects = VerstrekkingQuerySet.as_manager()

    class Meta:
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        ordering = ["-tijdstip", "-id"]
        indexes = [models.Index(fields=["school", "tijdstip"])]

    def __str__(self):
        return f"{self.kenmerk} – {self.ontvanger_naam}"

    @property
    def ouders_geinformeerd(self) -> bool:
        return self.ouders_geinformeerd_op is not None

    def velden_labels(self) -> list[str]:
        from leerlingen.velden import VELDEN

        return [str(VELDEN[c].label) if c in VELDEN else c for c in self.velden]

    def categorieen_labels(self) -> list[str]:
        labels = dict(Gegevenscategorie.choices)
        return [str(labels.get(c, c)) for c in self.categorieen]


class SysteemSoort(models.TextChoices):
    ADMINISTRATIE = "administratie", _("pupil administration")
    LVS = "lvs", _("pupil tracking system")
    LEERMIDDELEN = "leermiddelen", _("digital learning material")
    COMMUNICATIE = "communicatie", _("communication with parents")
    ONDERZOEK = "onderzoek", _("surveys")
    OVERIG = "overig", _("other")


class Verwerker(models.Model):
    """A processor: a system or service that processes pupil data for the school."""

    school = models.ForeignKey(
        School, models.PROTECT, related_name="verwerkers", verbose_name=_("school")
    )
    naam = models.CharField(
        _("processor"), max_length=200, help_text=_("The company, e.g. Topicus.")
    )
    product = models.CharField(
        _("product"), max_length=200, help_text=_("The system, e.g. ParnasSys.")
    )
    soort = models.CharField(
        _("kind of system"),
        max_length=20,
        choices=SysteemSoort.choices,
        default=SysteemSoort.OVERIG,
    )
    doel = models.CharField(
        _("purpose"), max_length=300, help_text=_("What the school uses it for.")
    )
    doel_en = models.CharField(
        _("purpose in English"),
        max_length=300,
        blank=True,
        help_text=_("Shown when the portal is in English; empty: the Dutch text is shown."),
    )
    gegevens = models.JSONField(
        _("data held"),
        default=list,
        blank=True,
        help_text=_("The data categories the processor holds."),
    )
    buiten_eer = models.BooleanField(
        _("data outside the EEA"),
        default=False,
        help_text=_("Whether data are transferred outside the European Economic Area."),
    )
    dpia_uitgevoerd = models.BooleanField(_("DPIA done"), default=False)
    dpia_datum = models.DateField(_("DPIA date"), null=True, blank=True)
    history = HistoricalRecords()

    objects = VerwerkerQuerySet.as_manager()

    class Meta:
        verbose_name = _("processor")
        verbose_name_plural = _("processors")
        ordering = ["school", "product"]
        constraints = [
            models.UniqueConstraint(fields=["school", "product"], name="verwerker_unique_product")
        ]

    def __str__(self):
        """The product with its company once: "Basispoort (Stichting Basispoort)"; a company that
        is its own product ("Eduscope") is named once."""
        if not self.naam or self.naam.casefold() == self.product.casefold():
            return self.product
        return f"{self.product} ({self.naam})"

    def clean(self):
        errors = {}
        unknown = set(self.gegevens or []) - set(Gegevenscategorie.values)
        if unknown:
            errors["gegevens"] = _("Unknown data categories.")
        if self.dpia_uitgevoerd and not self.dpia_datum:
            errors["dpia_datum"] = _("Give the date of the DPIA.")
        if errors:
            raise ValidationError(errors)

    def gegevens_labels(self) -> list[str]:
        labels = dict(Gegevenscategorie.choices)
        return [str(labels.get(c, c)) for c in self.gegevens]


class Verwerkersovereenkomst(models.Model):
    """A processor agreement (verwerkersovereenkomst) with its document and end date."""

    verwerker = models.ForeignKey(
        Verwerker, models.CASCADE, related_name="overeenkomsten", verbose_name=_("processor")
    )
    datum = models.DateField(_("date of the agreement"))
    einddatum = models.DateField(
        _("end date"), null=True, blank=True, help_text=_("Empty if it runs until terminated.")
    )
    document = models.FileField(
        _("document (PDF)"),
        upload_to="delen/verwerkersovereenkomsten/%Y/",
        blank=True,
        validators=[FileExtensionValidator(["pdf"]), validate_pdf],
    )
    model_privacyconvenant = models.BooleanField(
        _("follows the model processor agreement"),
        default=False,
        help_text=_("The education sector's model agreement of the Privacyconvenant."),
    )
    convenant_versie = models.CharField(_("model agreement version"), max_length=20, blank=True)
    privacybijsluiter = models.BooleanField(_("privacy annex per product"), default=False)
    history = HistoricalRecords()

    objects = VerwerkersovereenkomstQuerySet.as_manager()

    class Meta:
        verbose_name = _("processor agreement")
        verbose_name_plural = _("processor agreements")
        ordering = ["verwerker", "-datum"]

    def __str__(self):
        return _("Agreement with %(processor)s of %(date)s") % {
            "processor": self.verwerker,
            "date": self.datum,
        }

    def clean(self):
        errors = {}
        if self.einddatum and self.datum and self.einddatum < self.datum:
            errors["einddatum"] = _("The end date lies before the date of the agreement.")
        if self.model_privacyconvenant and not self.convenant_versie:
            errors["convenant_versie"] = _("Give the version of the model agreement.")
        if errors:
            raise ValidationError(errors)

    def is_geldig(self, op: date | None = None) -> bool:
        op = op or timezone.localdate()
        return self.datum <= op and (self.einddatum is None or self.einddatum >= op)


class Verloopwaarschuwing(models.Model):
    """A warning that a processor agreement ends within 60 days: a row first, then the e-mail."""

    overeenkomst = models.ForeignKey(
        Verwerkersovereenkomst,
        models.CASCADE,
        related_name="waarschuwingen",
        verbose_name=_("processor agreement"),
    )
    einddatum = models.DateField(_("end date warned about"))
    aangemaakt = models.DateTimeField(_("created"), default=timezone.now)
    verzonden_op = models.DateTimeField(_("e-mail sent"), null=True, blank=True)
    aantal_ontvangers = models.PositiveSmallIntegerField(_("number of addressees"), default=0)
    history = HistoricalRecords()

    objects = VerloopwaarschuwingQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement expiry warning")
        verbose_name_plural = _("agreement expiry warnings")
        ordering = ["einddatum"]
        constraints = [
            models.UniqueConstraint(
                fields=["overeenkomst", "einddatum"], name="verloopwaarschuwing_unique"
            )
        ]

    def __str__(self):
        return _("%(agreement)s ends on %(date)s") % {
            "agreement": self.overeenkomst,
            "date": self.einddatum,
        }


class RegisterVersie(models.Model):
    """The register of processing (AVG art. 30) as the board adopted it on a given day."""

    school = models.ForeignKey(
        School, models.PROTECT, related_name="registerversies", verbose_name=_("school")
    )
    versie = models.PositiveIntegerField(_("version"))
    vastgesteld_op = models.DateField(_("adopted on"))
    vastgesteld_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("adopted by")
    )
    besluit = models.CharField(
        _("board decision"),
        max_length=200,
        blank=True,
        help_text=_("Reference of the board's decision."),
    )
    inhoud = models.JSONField(
        _("contents"), help_text=_("The register as adopted: a stored snapshot.")
    )
    aangemaakt = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords()

    objects = RegisterVersieQuerySet.as_manager()

    class Meta:
        verbose_name = _("adopted register version")
        verbose_name_plural = _("adopted register versions")
        ordering = ["school", "-versie"]
        constraints = [
            models.UniqueConstraint(fields=["school", "versie"], name="registerversie_unique")
        ]

    def __str__(self):
        return _("Register of %(school)s, version %(version)s of %(date)s") % {
            "school": self.school.naam,
            "version": self.versie,
            "date": self.vastgesteld_op,
        }


from .models_verklaring import *  # noqa: E402,F401,F403  the stored privacy statements
