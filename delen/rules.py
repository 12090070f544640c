"""The rules of disclosure (DOMAIN.md § Disclosures), checked at the moment data leave the school.

Every check returns refusals (``Weigering``) that name the rule and say why, in a translated
message without personal data. ``check_disclosure`` runs all of them; the export service
refuses to produce a file while any remains. The recipient's field set is checked again at
that moment, so a register edited around the admin's validation still cannot widen it.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from leerlingen import registry, restriction
from leerlingen.models import Gegevenscategorie, Leerling
from leerlingen.velden import IDENTIFICERENDE_VELDEN, VELDEN, sort_codes

from .models import Grondslag, Ontvanger, Ontvangstwijze, Soort, Vordering
from .standaard import LEGAL

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from leerlingen.custody import Decider

RULES = {
    "toegang": _("who may disclose"),
    "velden": _("allowed field set"),
    "bsn": _("BSN/PGN only for those who may read it"),
    "zorgdata": _("care data only by the director and IB"),
    "beperkt": _("restricted pupils are never disclosed"),
    "politie": _("police: a written demand, identifying data only"),
    "veilig_thuis": _("Veilig Thuis: parents informed beforehand"),
    "zorgteam": _("care team: anonymous unless the parents are informed"),
    "swv": _("special-needs partnership: parents informed"),
    "toestemming": _("consent valid on the day of disclosure"),
    "verwerker": _("processor agreement valid on the day of disclosure"),
    "licentie": _("publishers only with a licence"),
    "groepsgrootte": _("minimum group size"),
    "leeg": _("something to disclose"),
    "actief": _("active recipient"),
}


@dataclass
class Weigering:
    """A refusal: which rule, and why. ``leerling_ids`` lets a page show whom it concerns."""

    regel: str
    bericht: "StrOrPromise"
    leerling_ids: list[int] = field(default_factory=list)

    @property
    def regel_naam(self) -> str:
        return str(RULES[self.regel])

    def __str__(self):
        return _("Refused under the rule “%(rule)s”: %(message)s") % {
            "rule": self.regel_naam,
            "message": self.bericht,
        }


class DisclosureRefused(Exception):
    def __init__(self, weigeringen: list[Weigering]):
        super().__init__("; ".join(w.regel for w in weigeringen))
        self.weigeringen = weigeringen

    @property
    def messages(self) -> list[str]:
        return [str(w) for w in self.weigeringen]


@dataclass
class Aanvraag:
    """What is about to be disclosed, as the person disclosing put it together."""

    ontvanger: Ontvanger
    leerlingen: list
    velden: list[str]
    formaat: str = "csv"
    doel: str = ""
    ouders_geinformeerd_op: date | None = None
    veiligheid_in_geding: bool = False
    reden_niet_informeren: str = ""
    anoniem: bool = False
    eigen_zorgverleners: bool = False
    vordering: Vordering | None = None
    # The consent for this case when the family's own care providers join: when and who gave it
    # (a ``leerlingen.custody.Decider``), with the id of the pupil it was given for.
    zorgverleners_toestemming_op: date | None = None
    zorgverleners_toestemming_door: "Decider | None" = None
    zorgverleners_toestemming_leerling_id: int | None = None


def _labels(codes) -> str:
    return ", ".join(str(VELDEN[c].label) if c in VELDEN else c for c in sort_codes(codes) or codes)


def survey_min_group_size() -> int:
    return settings.SURVEY_MIN_GROUP_SIZE


# --- The restricted pupil (requests issue) ------------------------------------------------


def is_restricted(leerling: Leerling, categorieen=None) -> bool:
    """Whether processing of this pupil's data is restricted (AVG art. 18): never disclosed then.

    The register answers (``leerlingen.restriction``); a pupil loaded through
    ``leerlingen.restriction.with_restriction_flag`` (the export form's pupils) answers from its
    annotation, so checking a whole group costs no query per pupil. A restriction of some
    categories only (a restriction request decided per category) counts when ``categorieen``,
    the categories of the fields to disclose, include one of them.
    """
    return restriction.is_restricted(leerling, categorieen)


# --- Consent (consent issue) --------------------------------------------------------------


def consent_valid(leerling: Leerling, doel_code: str, on_date: date) -> bool:
    """Is there a consent decision for this pupil and purpose that is valid on ``on_date``?"""
    return leerling.pk not in consent_missing([leerling], doel_code, on_date)


def consent_missing(leerlingen, doel_code: str, on_date: date) -> set[int]:
    """Ids of the pupils without a consent valid on ``on_date`` for ``doel_code``: the consent
    app answers (``toestemming.rules.consent_missing``, through ``leerlingen.registry``)."""
    return registry.consent_missing(leerlingen, doel_code, on_date)


def _consent_refusals(leerlingen, doel_code: str, on_date: date, *, why: str) -> list[Weigering]:
    if not doel_code:
        return [
            Weigering(
                "toestemming",
                _("This recipient needs consent, but no consent purpose is set for it."),
            )
        ]
    missing = consent_missing(leerlingen, doel_code, on_date)
    if not missing:
        return []
    count = len(missing)
    message = ngettext(
        "%(count)d pupil has no consent for the purpose “%(purpose)s” valid on %(date)s (%(why)s).",
        "%(count)d pupils have no consent for the purpose “%(purpose)s” valid on %(date)s (%(why)s).",
        count,
    ) % {"count": count, "purpose": doel_code, "date": on_date.isoformat(), "why": why}
    return [Weigering("toestemming", message, sorted(missing))]


# --- The recipient's field set ------------------------------------------------------------


def recipient_field_errors(
    *, soort: str, grondslag: str, velden, toestemming_doel: str = ""
) -> "list[StrOrPromise]":
    """Why a recipient's field set, basis or consent purpose is not allowed (empty: allowed).

    The standard recipients may be narrowed, never widened past their legal set; a new
    recipient never receives the BSN/PGN, and care data only on consent or vital interest.
    """
    errors: list[StrOrPromise] = []
    velden = list(velden or [])
    unknown = [c for c in velden if c not in VELDEN]
    if unknown:
        errors.append(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)})
    known = [c for c in velden if c in VELDEN]
    legal = LEGAL.get(soort)
    if legal is not None:
        if soort == Soort.JGZ and "bsn" in known:
            errors.append(
                _("The BSN/PGN may never go to the GGD/JGZ: that is unlawful (seed 004).")
            )
        too_wide = [
            c for c in known if c not in legal.velden and not (soort == Soort.JGZ and c == "bsn")
        ]
        if too_wide:
            errors.append(
                _(
                    "Not in the legal set of this recipient: %(fields)s. A field set can be narrowed, never widened."
                )
                % {"fields": _labels(too_wide)}
            )
        if grondslag != legal.grondslag:
            errors.append(
                _("The legal basis of this recipient is fixed by law: %(basis)s.")
                % {"basis": Grondslag(legal.grondslag).label}
            )
        if legal.toestemming_doel and toestemming_doel != legal.toestemming_doel:
            errors.append(
                _("This recipient receives data only under consent for the purpose “%(purpose)s”.")
                % {"purpose": legal.toestemming_doel}
            )
        return errors
    if "bsn" in known:
        errors.append(
            _(
                "The BSN/PGN only goes where the law requires it (DUO, the school attendance officer)."
            )
        )
    care = [c for c in known if VELDEN[c].is_zorg]
    if care and grondslag not in (Grondslag.TOESTEMMING, Grondslag.VITAAL_BELANG):
        errors.append(
            _("Care data (%(fields)s) go to a new recipient only on consent or vital interest.")
            % {"fields": _labels(care)}
        )
    if grondslag == Grondslag.TOESTEMMING and not toestemming_doel:
        errors.append(_("A recipient on the basis of consent needs the consent purpose to check."))
    return errors


# --- The police demand --------------------------------------------------------------------


def police_demand_errors(vordering) -> "dict[str, StrOrPromise]":
    """The four parts of a written demand (art. 126nc Sv) that are missing or wrong."""
    errors: dict[str, StrOrPromise] = {}
    if not getattr(vordering, "leerling_id", None):
        errors["leerling"] = _("(a) The demand must name the person concerned.")
    asked = list(vordering.gevraagde_gegevens or [])
    if not asked:
        errors["gevraagde_gegevens"] = _("(b) The demand must name the data asked.")
    elif any(VELDEN.get(c) and VELDEN[c].categorie == Gegevenscategorie.MEDISCH for c in asked):
        errors["gevraagde_gegevens"] = _("Medical data are never given to the police.")
    elif any(c not in IDENTIFICERENDE_VELDEN for c in asked):
        errors["gevraagde_gegevens"] = _(
            "The police may demand identifying data only (art. 126nc(2) Sv): not %(fields)s."
        ) % {"fields": _labels([c for c in asked if c not in IDENTIFICERENDE_VELDEN])}
    if not vordering.termijn or not (vordering.wijze_van_verstrekking or "").strip():
        errors["termijn" if not vordering.termijn else "wijze_van_verstrekking"] = _(
            "(c) The demand must state the term and the manner of delivery."
        )
    if not (vordering.titel or "").strip():
        errors["titel"] = _("(d) The demand must state its legal title.")
    return errors


def demand_refusal_reasons(vordering) -> list[str]:
    """Why no data may go on this demand: it came by phone, or what a written demand lacks."""
    reasons = []
    if vordering.ontvangstwijze == Ontvangstwijze.TELEFONISCH:
        reasons.append(
            str(
                _(
                    "A request by phone is not a written demand (art. 126nc Sv): no data are given on it."
                )
            )
        )
    return reasons + [str(m) for m in police_demand_errors(vordering).values()]


def demand_record_errors(vordering) -> "dict[str, StrOrPromise]":
    """What stops recording a demand as it is: a demand that may not be answered is recorded as
    received and refused (the reply letter names why); a refusal needs a ground."""
    if vordering.geweigerd:
        if demand_refusal_reasons(vordering):
            return {}
        return {
            "geweigerd": _(
                "Nothing is missing from this written demand: it is answered, not refused."
            )
        }
    if vordering.ontvangstwijze == Ontvangstwijze.TELEFONISCH:
        return {
            "geweigerd": _(
                "A request by phone is never a written demand: record it as received and refused."
            )
        }
    errors = police_demand_errors(vordering)
    if errors:
        errors["geweigerd"] = _(
            "Record an incomplete demand as received and refused; the reply letter names what is missing."
        )
    return errors


def _police_refusals(aanvraag: Aanvraag) -> list[Weigering]:
    """The demand's own rules; which fields the police may get at all is ``field_refusals``."""
    vordering = aanvraag.vordering
    if vordering is None:
        return [
            Weigering(
                "politie",
                _("The police receive data only against a recorded written demand (vordering)."),
            )
        ]
    if vordering.geweigerd:
        return [Weigering("politie", _("This demand was recorded as received and refused."))]
    out = []
    missing = police_demand_errors(vordering)
    if missing:
        out.append(
            Weigering(
                "politie",
                _("The written demand is incomplete: %(parts)s")
                % {"parts": " ".join(str(m) for m in missing.values())},
            )
        )
    if vordering.school_id != aanvraag.ontvanger.school_id:
        out.append(Weigering("politie", _("The demand was recorded for another school.")))
    if {p.pk for p in aanvraag.leerlingen} != {vordering.leerling_id}:
        out.append(
            Weigering("politie", _("Only the data of the person named in the demand may be given."))
        )
    not_asked = [c for c in aanvraag.velden if c not in (vordering.gevraagde_gegevens or [])]
    if not_asked:
        out.append(
            Weigering(
                "politie",
                _("Not asked in the demand: %(fields)s.") % {"fields": _labels(not_asked)},
            )
        )
    return out


# --- Parents informed ---------------------------------------------------------------------


def _informed_beforehand(aanvraag: Aanvraag, on_date: date) -> bool:
    return (
        aanvraag.ouders_geinformeerd_op is not None and aanvraag.ouders_geinformeerd_op <= on_date
    )


def _veilig_thuis_refusals(aanvraag: Aanvraag, on_date: date) -> list[Weigering]:
    if aanvraag.ouders_geinformeerd_op and aanvraag.ouders_geinformeerd_op > on_date:
        return [
            Weigering(
                "veilig_thuis",
                _("Parents are informed beforehand: the date cannot lie in the future."),
            )
        ]
    if _informed_beforehand(aanvraag, on_date):
        return []
    if aanvraag.veiligheid_in_geding:
        if (aanvraag.reden_niet_informeren or "").strip():
            return []
        return [
            Weigering(
                "veilig_thuis",
                _(
                    "Record the reason why informing the parents would put the safety of the child or another at stake."
                ),
            )
        ]
    return [
        Weigering(
            "veilig_thuis",
            _(
                "The parents must be informed beforehand. Record the date they were informed, or that the safety "
                "of the child or another is at stake, with the reason."
            ),
        )
    ]


def _zorgteam_refusals(aanvraag: Aanvraag, on_date: date) -> list[Weigering]:
    out = []
    if aanvraag.anoniem:
        identifying = [c for c in aanvraag.velden if c in VELDEN and VELDEN[c].herleidbaar]
        if identifying:
            out.append(
                Weigering(
                    "zorgteam",
                    _(
                        "An anonymous case carries no data that identify the pupil: %(fields)s. Leave them out, or "
                        "discuss the case by name after informing the parents."
                    )
                    % {"fields": _labels(identifying)},
                )
            )
    elif not _informed_beforehand(aanvraag, on_date):
        out.append(
            Weigering(
                "zorgteam",
                _(
                    "A case discussed by name requires that the parents were informed: record the date."
                ),
            )
        )
    if aanvraag.eigen_zorgverleners:
        out += _care_provider_consent_refusals(aanvraag, on_date)
    return out


def anonymous_default_fields(ontvanger) -> list[str]:
    """What an anonymous care-team case starts with: no medical data, nothing that identifies the
    pupil, and no quasi-identifiers (sex, date of birth, school, group) that do so together."""
    return [
        c
        for c in ontvanger.velden
        if c in VELDEN
        and not VELDEN[c].herleidbaar
        and not VELDEN[c].identificerend
        and VELDEN[c].categorie != Gegevenscategorie.MEDISCH
    ]


def _care_provider_consent_refusals(aanvraag: Aanvraag, on_date: date) -> list[Weigering]:
    """The family's own care providers (e.g. the GP) join only on a consent given for this case,
    by who decides for the pupil (``leerlingen.custody``), on a recorded date: no yearly blanket."""
    from leerlingen.custody import deciders

    if len(aanvraag.leerlingen) != 1:
        return [
            Weigering(
                "zorgteam", _("The family's own care providers join the case of one pupil only.")
            )
        ]
    pupil = aanvraag.leerlingen[0]
    given_on, door = aanvraag.zorgverleners_toestemming_op, aanvraag.zorgverleners_toestemming_door
    if (
        given_on is None
        or door is None
        or aanvraag.zorgverleners_toestemming_leerling_id != pupil.pk
    ):
        return [
            Weigering(
                "zorgteam",
                _(
                    "The family's own care providers join only with a consent for this case: record the date "
                    "and who gave it."
                ),
            )
        ]
    if given_on > on_date:
        return [
            Weigering("zorgteam", _("The consent for this case cannot be dated in the future."))
        ]
    if door.key not in {d.key for d in deciders(pupil, given_on)}:
        return [
            Weigering(
                "zorgteam",
                _(
                    "The consent for this case must be given by who decides for the pupil: a parent with "
                    "parental authority, or the pupil from 16."
                ),
            )
        ]
    return []


# --- The fields a recipient may not get ---------------------------------------------------

# Why a field is refused, per kind of refusal: the message of one field on the disclosure page,
# and the message naming all chosen fields of that kind when a disclosure is refused.
_FIELD_RULES = {
    "jgz_bsn": (
        "velden",
        _("The BSN/PGN is never given to the GGD/JGZ: that is unlawful (seed 004)."),
    ),
    "politie_medisch": ("politie", _("Medical data are never given to the police.")),
    "politie_identificerend": (
        "politie",
        _("The police receive identifying data only (art. 126nc(2) Sv)."),
    ),
    "buiten_set": ("velden", _("Not in the allowed field set of this recipient.")),
}


@dataclass(frozen=True)
class VeldWeigering:
    """Why one field may not go to a recipient: the rule and its reason."""

    soort: str

    @property
    def regel(self) -> str:
        return _FIELD_RULES[self.soort][0]

    @property
    def regel_naam(self) -> str:
        return str(RULES[self.regel])

    @property
    def reden(self) -> str:
        return str(_FIELD_RULES[self.soort][1])


def field_refusals(ontvanger) -> dict[str, VeldWeigering]:
    """Every field the school holds that ``ontvanger`` may not get, with the rule that forbids it."""
    allowed = set(ontvanger.velden or [])
    out = {}
    for code, veld in VELDEN.items():
        if ontvanger.soort == Soort.JGZ and code == "bsn":
            out[code] = VeldWeigering("jgz_bsn")
        elif ontvanger.soort == Soort.POLITIE and veld.categorie == Gegevenscategorie.MEDISCH:
            out[code] = VeldWeigering("politie_medisch")
        elif ontvanger.soort == Soort.POLITIE and code not in IDENTIFICERENDE_VELDEN:
            out[code] = VeldWeigering("politie_identificerend")
        elif code not in allowed:
            out[code] = VeldWeigering("buiten_set")
    return out


def _field_set_refusals(ontvanger, velden) -> list[Weigering]:
    """The chosen fields this recipient may not get, one refusal per rule naming the fields."""
    forbidden = field_refusals(ontvanger)
    by_kind: dict[str, list[str]] = {}
    for code in velden:
        if code in forbidden:
            by_kind.setdefault(forbidden[code].soort, []).append(code)
        elif code not in VELDEN:
            by_kind.setdefault("buiten_set", []).append(code)
    out = []
    for kind, codes in by_kind.items():
        fields = _labels(codes)
        if kind in ("jgz_bsn", "politie_medisch"):
            message = str(_FIELD_RULES[kind][1])
        elif kind == "politie_identificerend":
            message = _("The police receive identifying data only, not: %(fields)s.") % {
                "fields": fields
            }
        else:
            message = _("Not in the allowed field set of %(recipient)s: %(fields)s.") % {
                "recipient": ontvanger.naam,
                "fields": fields,
            }
        out.append(Weigering(_FIELD_RULES[kind][0], message))
    return out


# --- All rules ----------------------------------------------------------------------------


def check_disclosure(*, user, aanvraag: Aanvraag, on_date: date) -> list[Weigering]:
    """Every rule that forbids this disclosure today; an empty list means it may go."""
    from . import access
    from .models import Ontvanger

    ontvanger = aanvraag.ontvanger
    school = ontvanger.school
    leerlingen = list(aanvraag.leerlingen)
    velden = list(aanvraag.velden)
    out: list[Weigering] = []

    if not Ontvanger.objects.disclosable_by(user).filter(pk=ontvanger.pk).exists():
        return [Weigering("toegang", _("You may not disclose pupil data to this recipient."))]
    visible = set(
        Leerling.objects.visible_to(user)
        .filter(pk__in=[p.pk for p in leerlingen], school=school)
        .values_list("pk", flat=True)
    )
    outside = [p.pk for p in leerlingen if p.pk not in visible]
    if outside:
        out.append(
            Weigering(
                "toegang", _("Some pupils are not pupils of this school that you may see."), outside
            )
        )
    if not ontvanger.actief:
        out.append(Weigering("actief", _("This recipient is no longer active in the register.")))
    if not leerlingen or not velden:
        out.append(Weigering("leeg", _("Choose at least one pupil and one field.")))

    # The field set: the recipient's, within the legal one, checked now.
    police = ontvanger.soort == Soort.POLITIE
    if police:
        out += _police_refusals(aanvraag)
    out += _field_set_refusals(ontvanger, velden)
    register_errors = recipient_field_errors(
        soort=ontvanger.soort,
        grondslag=ontvanger.grondslag,
        velden=ontvanger.velden,
        toestemming_doel=ontvanger.toestemming_doel,
    )
    if register_errors:
        out.append(
            Weigering(
                "velden",
                _("The register entry of this recipient is not allowed: %(errors)s")
                % {"errors": " ".join(str(e) for e in register_errors)},
            )
        )

    # Who may send which data.
    if "bsn" in velden and not access.may_read_bsn(user, school):
        out.append(Weigering("bsn", _("You may not read the BSN/PGN, so you cannot disclose it.")))
    care = [c for c in velden if c in VELDEN and VELDEN[c].is_zorg]
    if care and not access.may_disclose_care_data(user, school):
        out.append(
            Weigering(
                "zorgdata",
                _("Administrative staff never handle care data: %(fields)s.")
                % {"fields": _labels(care)},
            )
        )

    # Any restriction, from the annotation (no query per pupil); then, in one query, those that
    # cover a category of the fields to disclose (a restriction decided per category).
    flagged = [p.pk for p in leerlingen if is_restricted(p)]
    categorieen = {VELDEN[c].categorie for c in velden if c in VELDEN}
    restricted = sorted(restriction.restricted_ids(flagged, categorieen)) if flagged else []
    if restricted:
        out.append(
            Weigering(
                "beperkt",
                ngettext(
                    "%(count)d pupil's data are restricted (AVG art. 18) and are never disclosed.",
                    "%(count)d pupils' data are restricted (AVG art. 18) and are never disclosed.",
                    len(restricted),
                )
                % {"count": len(restricted)},
                restricted,
            )
        )

    # The recipient's own rules.
    if ontvanger.soort == Soort.VEILIG_THUIS:
        out += _veilig_thuis_refusals(aanvraag, on_date)
    if ontvanger.soort == Soort.ZORGTEAM:
        out += _zorgteam_refusals(aanvraag, on_date)
    if ontvanger.soort == Soort.SWV and not _informed_beforehand(aanvraag, on_date):
        out.append(
            Weigering(
                "swv",
                _(
                    "The parents must be informed of the enrolment with the partnership: record the date."
                ),
            )
        )
    if ontvanger.soort == Soort.UITGEVER and not ontvanger.licentie:
        out.append(
            Weigering(
                "licentie",
                _(
                    "Publishers receive data only while the school holds a licence for their material."
                ),
            )
        )
    if ontvanger.soort == Soort.ONDERZOEK and len(leerlingen) < survey_min_group_size():
        out.append(
            Weigering(
                "groepsgrootte",
                _(
                    "Fewer than %(min)d pupils: group figures are never reported below the minimum group size."
                )
                % {"min": survey_min_group_size()},
            )
        )
    if ontvanger.grondslag == Grondslag.VERWERKERSOVEREENKOMST:
        verwerker = ontvanger.verwerker
        if verwerker is None or not any(
            o.is_geldig(on_date) for o in verwerker.overeenkomsten.all()
        ):
            out.append(
                Weigering(
                    "verwerker",
                    _(
                        "There is no processor agreement with this recipient that is valid on %(date)s."
                    )
                    % {"date": on_date.isoformat()},
                )
            )
    if ontvanger.grondslag == Grondslag.TOESTEMMING or ontvanger.toestemming_doel:
        if leerlingen:
            out += _consent_refusals(
                leerlingen, ontvanger.toestemming_doel, on_date, why=ontvanger.naam
            )
    return out


def velden_for_groups(leerlingen, min_size: int | None = None) -> dict[int, bool]:
    """Per group id: whether it is reported as its own unit.

    Groups below the minimum size are merged into the school; if what is merged would itself be
    below the minimum, every group is merged, so no reported unit is ever smaller than the minimum.
    """
    min_size = survey_min_group_size() if min_size is None else min_size
    counts: dict[int, int] = {}
    for p in leerlingen:
        counts[p.groep_id] = counts.get(p.groep_id, 0) + 1
    own = {groep_id: groep_id is not None and n >= min_size for groep_id, n in counts.items()}
    merged = sum(n for groep_id, n in counts.items() if not own[groep_id])
    if 0 < merged < min_size:
        return dict.fromkeys(counts, False)
    return own
