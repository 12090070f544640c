"""The pupil register: organisation, pupils, guardians and custody, dossier items, staff roles.

Which rows a user may see is decided in one place: the ``visible_to`` queryset methods in
``leerlingen/access.py`` (DESIGN.md §3).
"""

from datetime import date

from django.conf import settings
from django.contrib.auth.models import User
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guardian.models import UserObjectPermissionBase
from simple_history import register
from simple_history.models import HistoricalRecords

from core.crypto import EncryptedCharField, EncryptedTextField, keyed_hash

from .access import (
    BestuurQuerySet,
    DossierItemQuerySet,
    GroepQuerySet,
    LeerlingQuerySet,
    OuderQuerySet,
    SchoolQuerySet,
    ToegangslogQuerySet,
)
from .rol import Rol
from .validators import validate_bsn, validate_schooljaar


class Onderwijssoort(models.TextChoices):
    PO = "po", _("Primary education")
    SO = "so", _("Special education")
    VO = "vo", _("Secondary education")


class Bestuur(models.Model):
    naam = models.CharField(_("name"), max_length=200)
    kvk_nummer = models.CharField(_("Chamber of Commerce number"), max_length=8, blank=True)
    adres = models.CharField(_("address"), max_length=300, blank=True)
    fg_naam = models.CharField(_("name of the data protection officer"), max_length=200, blank=True)
    fg_email = models.EmailField(_("e-mail of the data protection officer"), blank=True)
    history = HistoricalRecords()

    objects = BestuurQuerySet.as_manager()

    class Meta:
        verbose_name = _("board")
        verbose_name_plural = _("boards")
        ordering = ["naam"]
        permissions = [
            (Rol.FG.codename, _("Acts as data protection officer of the board")),
            (Rol.BESTUUR.codename, _("Acts as board staff")),
        ]
        default_permissions = ("add", "change", "delete", "view")

    def __str__(self):
        return self.naam


class School(models.Model):
    bestuur = models.ForeignKey(
        Bestuur, models.PROTECT, related_name="scholen", verbose_name=_("board")
    )
    naam = models.CharField(_("name"), max_length=200)
    brin = models.CharField(
        _("BRIN"),
        max_length=6,
        unique=True,
        validators=[
            RegexValidator(
                r"^[0-9]{2}[A-Z]{2}([0-9]{2})?$",
                _(
                    "A BRIN is two digits and two capitals, optionally followed by a two-digit location number (BRIN6)."
                ),
            )
        ],
        help_text=_("The school's four-character BRIN, or the six-character BRIN6 of a location."),
    )
    onderwijssoort = models.CharField(
        _("type of education"),
        max_length=2,
        choices=Onderwijssoort.choices,
        default=Onderwijssoort.PO,
    )
    adres = models.CharField(_("address"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    telefoon = models.CharField(_("phone"), max_length=30, blank=True)
    history = HistoricalRecords()

    objects = SchoolQuerySet.as_manager()

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["naam"]
        permissions = [
            (Rol.DIRECTEUR.codename, _("Acts as director of the school")),
            (Rol.IB.codename, _("Acts as internal care coordinator of the school")),
            (Rol.ADMINISTRATIE.codename, _("Acts as administrative staff of the school")),
        ]

    def __str__(self):
        return f"{self.naam} ({self.brin})"


class Groep(models.Model):
    school = models.ForeignKey(
        School, models.PROTECT, related_name="groepen", verbose_name=_("school")
    )
    schooljaar = models.CharField(
        _("school year"),
        max_length=9,
        validators=[validate_schooljaar],
        help_text=_("For example 2026-2027."),
    )
    naam = models.CharField(_("name"), max_length=50)
    jaargroep = models.PositiveSmallIntegerField(
        _("year group"), validators=[MinValueValidator(1), MaxValueValidator(8)]
    )
    history = HistoricalRecords()

    objects = GroepQuerySet.as_manager()

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["school", "-schooljaar", "jaargroep", "naam"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "schooljaar", "naam"], name="groep_unique_naam"
            ),
        ]
        permissions = [(Rol.LEERKRACHT.codename, _("Acts as teacher of the group"))]

    def __str__(self):
        return f"{self.naam} ({self.schooljaar})"


class Geslacht(models.TextChoices):
    MAN = "m", _("male")
    VROUW = "v", _("female")
    ONBEKEND = "o", _("unknown / other")


class Leerling(models.Model):
    school = models.ForeignKey(
        School, models.PROTECT, related_name="leerlingen", verbose_name=_("school")
    )
    groep = models.ForeignKey(
        Groep,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="leerlingen",
        verbose_name=_("group"),
    )
    leerlingnummer = models.CharField(_("pupil number"), max_length=20)
    voornamen = models.CharField(_("first names"), max_length=200)
    roepnaam = models.CharField(_("given name used"), max_length=100)
    tussenvoegsel = models.CharField(
        _("name prefix"), max_length=20, blank=True, help_text=_("For example 'van der'.")
    )
    achternaam = models.CharField(_("surname"), max_length=200)
    geboortedatum = models.DateField(_("date of birth"))
    geslacht = models.CharField(
        _("sex"), max_length=1, choices=Geslacht.choices, default=Geslacht.ONBEKEND
    )
    bsn = EncryptedCharField(
        _("BSN / PGN"),
        blank=True,
        validators=[validate_bsn],
        help_text=_("Citizen service number or education number; stored encrypted."),
    )
    bsn_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    nationaliteit = models.CharField(_("nationality"), max_length=100, blank=True)
    geboorteplaats = models.CharField(_("place of birth"), max_length=100, blank=True)
    straat = models.CharField(_("street"), max_length=200, blank=True)
    huisnummer = models.CharField(_("house number"), max_length=20, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    woonplaats = models.CharField(_("town"), max_length=100, blank=True)
    telefoon = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    eck_id = models.CharField(_("ECK iD"), max_length=200, blank=True)
    datum_inschrijving = models.DateField(_("enrolment date"))
    datum_uitschrijving = models.DateField(_("leaving date"), null=True, blank=True)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="leerling",
        verbose_name=_("portal account"),
        help_text=_("The pupil's own account, used from the age of 16."),
    )
    history = HistoricalRecords(excluded_fields=["bsn_hash"])

    objects = LeerlingQuerySet.as_manager()

    class Meta:
        verbose_name = _("pupil")
        verbose_name_plural = _("pupils")
        ordering = ["achternaam", "roepnaam", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "leerlingnummer"], name="leerling_unique_nummer"
            ),
            models.UniqueConstraint(
                fields=["school", "bsn_hash"],
                condition=~models.Q(bsn_hash=""),
                name="leerling_unique_bsn",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "achternaam"]),
            models.Index(fields=["groep", "achternaam"]),
        ]

    def __str__(self):
        return self.volledige_naam

    @property
    def volledige_naam(self) -> str:
        return " ".join(p for p in (self.roepnaam, self.tussenvoegsel, self.achternaam) if p)

    def leeftijd(self, op: date | None = None) -> int:
        op = op or timezone.localdate()
        g = self.geboortedatum
        return op.year - g.year - ((op.month, op.day) < (g.month, g.day))

    def set_bsn_hash(self) -> None:
        self.bsn_hash = keyed_hash(self.bsn) if self.bsn else ""


class Ouder(models.Model):
    """A parent, carer or guardian (ouder/verzorger/voogd)."""

    bestuur = models.ForeignKey(
        Bestuur, models.PROTECT, related_name="ouders", verbose_name=_("board")
    )
    voorletters = models.CharField(_("initials"), max_length=20, blank=True)
    voornaam = models.CharField(_("first name"), max_length=100, blank=True)
    tussenvoegsel = models.CharField(_("name prefix"), max_length=20, blank=True)
    achternaam = models.CharField(_("surname"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    telefoon = models.CharField(_("phone"), max_length=30, blank=True)
    straat = models.CharField(_("street"), max_length=200, blank=True)
    huisnummer = models.CharField(_("house number"), max_length=20, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    woonplaats = models.CharField(_("town"), max_length=100, blank=True)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="ouder",
        verbose_name=_("portal account"),
    )
    kinderen = models.ManyToManyField(
        Leerling, through="Gezagsrelatie", related_name="ouders", verbose_name=_("children")
    )
    history = HistoricalRecords()

    objects = OuderQuerySet.as_manager()

    class Meta:
        verbose_name = _("parent / guardian")
        verbose_name_plural = _("parents / guardians")
        ordering = ["achternaam", "voornaam", "id"]

    def __str__(self):
        return " ".join(
            p for p in (self.voornaam or self.voorletters, self.tussenvoegsel, self.achternaam) if p
        )


class Relatie(models.TextChoices):
    MOEDER = "moeder", _("mother")
    VADER = "vader", _("father")
    VOOGD = "voogd", _("guardian (voogd)")
    VERZORGER = "verzorger", _("carer")
    PLEEGOUDER = "pleegouder", _("foster parent")


class Gezagsrelatie(models.Model):
    """Through-model of Ouder.kinderen: the relation and whether it carries parental authority."""

    ouder = models.ForeignKey(
        Ouder, models.CASCADE, related_name="relaties", verbose_name=_("parent")
    )
    leerling = models.ForeignKey(
        Leerling, models.CASCADE, related_name="relaties", verbose_name=_("pupil")
    )
    relatie = models.CharField(_("relation"), max_length=20, choices=Relatie.choices)
    heeft_gezag = models.BooleanField(
        _("has parental authority"),
        default=True,
        help_text=_(
            "Only a parent with parental authority (gezag) decides on consent and files requests."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("custody relation")
        verbose_name_plural = _("custody relations")
        constraints = [
            models.UniqueConstraint(fields=["ouder", "leerling"], name="gezagsrelatie_unique")
        ]

    def __str__(self):
        return f"{self.ouder} – {self.leerling}"


class Gegevenscategorie(models.TextChoices):
    """The data categories a pupil record may hold (DOMAIN.md, seed 003)."""

    CONTACT = "contact", _("contact data")
    LEERLINGNUMMER = "leerlingnummer", _("pupil number")
    NATIONALITEIT = "nationaliteit", _("nationality and place of birth")
    OUDERS = "ouders", _("parents' contact data")
    MEDISCH = "medisch", _("medical data")
    RELIGIE = "religie", _("religion")
    STUDIEVOORTGANG = "studievoortgang", _("study progress")
    BEGELEIDING = "begeleiding", _("guidance and care (OPP, action plan)")
    ORGANISATIE = "organisatie", _("organisation of education")
    FINANCIEEL = "financieel", _("finance")
    BEELD = "beeld", _("images (photo, video)")
    BSN = "bsn", _("BSN / PGN")
    ECK_ID = "eck_id", _("ECK iD")

    @classmethod
    def bijzonder(cls) -> frozenset[str]:
        """Special categories (bijzondere persoonsgegevens, AVG art. 9)."""
        return frozenset({cls.MEDISCH, cls.RELIGIE})

    @classmethod
    def zorg(cls) -> frozenset[str]:
        """Care data: never for administrative staff (seed 002)."""
        return frozenset({cls.MEDISCH, cls.RELIGIE, cls.BEGELEIDING})

    @classmethod
    def onderwijs(cls) -> frozenset[str]:
        """What a teacher needs for the own group: no special categories, no finance."""
        return frozenset(
            {
                cls.CONTACT,
                cls.OUDERS,
                cls.STUDIEVOORTGANG,
                cls.BEGELEIDING,
                cls.ORGANISATIE,
                cls.BEELD,
            }
        )

    @classmethod
    def administratief(cls) -> frozenset[str]:
        """What the administrative module holds."""
        return frozenset(
            {
                cls.CONTACT,
                cls.LEERLINGNUMMER,
                cls.NATIONALITEIT,
                cls.OUDERS,
                cls.ORGANISATIE,
                cls.FINANCIEEL,
                cls.BSN,
                cls.ECK_ID,
            }
        )


class DossierItem(models.Model):
    leerling = models.ForeignKey(
        Leerling, models.CASCADE, related_name="dossieritems", verbose_name=_("pupil")
    )
    categorie = models.CharField(
        _("data category"), max_length=20, choices=Gegevenscategorie.choices
    )
    titel = models.CharField(_("title"), max_length=200)
    inhoud = EncryptedTextField(_("contents"), blank=True, help_text=_("Stored encrypted."))
    bron = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("Where the information comes from, if not from the parents."),
    )
    datum = models.DateField(_("date"), default=timezone.localdate)
    zeer_vertrouwelijk = models.BooleanField(
        _("very confidential"),
        default=False,
        help_text=_("Only the director and the staff the director names may see this item."),
    )
    history = HistoricalRecords()

    objects = DossierItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier item")
        verbose_name_plural = _("dossier items")
        ordering = ["-datum", "-id"]
        indexes = [models.Index(fields=["leerling", "categorie"])]

    def __str__(self):
        return self.titel

    @property
    def is_bijzonder(self) -> bool:
        return self.categorie in Gegevenscategorie.bijzonder()


# --- Role grants: guardian object permissions with direct foreign keys (DESIGN.md §3) ---


class BestuurGrant(UserObjectPermissionBase):
    content_object = models.ForeignKey(Bestuur, models.CASCADE, verbose_name=_("board"))
    history = HistoricalRecords()

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("board role")
        verbose_name_plural = _("board roles")
        indexes = [models.Index(fields=["user", "permission", "content_object"])]


class SchoolGrant(UserObjectPermissionBase):
    content_object = models.ForeignKey(School, models.CASCADE, verbose_name=_("school"))
    history = HistoricalRecords()

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("school role")
        verbose_name_plural = _("school roles")
        indexes = [models.Index(fields=["user", "permission", "content_object"])]


class GroepGrant(UserObjectPermissionBase):
    content_object = models.ForeignKey(Groep, models.CASCADE, verbose_name=_("group"))
    history = HistoricalRecords()

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("group role")
        verbose_name_plural = _("group roles")
        indexes = [models.Index(fields=["user", "permission", "content_object"])]


class DossierItemGrant(UserObjectPermissionBase):
    """A per-record grant on a very confidential dossier item (seed 002)."""

    content_object = models.ForeignKey(DossierItem, models.CASCADE, verbose_name=_("dossier item"))
    history = HistoricalRecords()

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("grant on a very confidential item")
        verbose_name_plural = _("grants on very confidential items")


# --- Access log: reads of special categories and every export (DESIGN.md §4) ------------


class Toegangslog(models.Model):
    class Soort(models.TextChoices):
        INZAGE = "inzage", _("read")
        EXPORT = "export", _("export")
        WEIGERING = "weigering", _("refused disclosure")

    tijdstip = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    gebruiker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("user"),
    )
    soort = models.CharField(_("kind"), max_length=10, choices=Soort.choices)
    leerling = models.ForeignKey(
        Leerling, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("pupil")
    )
    object_type = models.CharField(_("record type"), max_length=50)
    object_id = models.CharField(_("record id"), max_length=50, blank=True)
    categorieen = models.CharField(_("data categories"), max_length=200, blank=True)
    reden = models.CharField(_("reason"), max_length=200)

    objects = ToegangslogQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-tijdstip"]
        indexes = [models.Index(fields=["gebruiker", "tijdstip"])]

    def __str__(self):
        return f"{self.tijdstip:%Y-%m-%d %H:%M} {self.get_soort_display()} {self.object_type}"


# User accounts have history too (who got which account, staff flag, activation).
register(User, app="leerlingen", table_name="leerlingen_historicaluser")
# The models of the register's packages, imported here so that Django finds them (app "leerlingen").
from .imports.models import Bronsysteem, Importprofiel, Leerlingimport  # noqa: E402,F401
from .meerderjarig.models import Meerderjarigheid, Ouderinzage  # noqa: E402,F401  (adult pupils, 18+)
from .mfa.models import *  # noqa: E402,F401,F403  (two-step log-in: enrolment links, device history)
from .retention.models import (  # noqa: E402,F401
    Bewaarcategorie,
    Bewaarcontrole,
    Bewaartermijn,
    Blokkade,
    Gebeurtenis,
    VernietigdRecord,
    Vernietigingslijst,
    VernietigingslijstItem,
)
