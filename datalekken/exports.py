"""The register's exports: the CSV columns and the fields of the AP's notification form (the
"Meldformulier datalekken" of the Autoriteit Persoonsgegevens), for the FG to copy."""

from django.utils import timezone
from django.utils.translation import gettext as _

from leerlingen.models import Gegevenscategorie

from .models import Datalek

CSV_HEADER = [
    "kenmerk",
    "titel",
    "bestuur",
    "school",
    "bron",
    "ontstaan_op",
    "ontdekt_op",
    "deadline",
    "vertrouwelijkheid",
    "integriteit",
    "beschikbaarheid",
    "categorieen",
    "aantal_personen",
    "aantal_records",
    "verwerker",
    "verwerkersovereenkomst",
    "risico",
    "ap_besluit",
    "ap_gemeld_op",
    "ap_kenmerk",
    "ap_niet_reden",
    "vertraging_reden",
    "betrokkenen_besluit",
    "betrokkenen_niet_reden",
]


def _dt(value) -> str:
    return timezone.localtime(value).isoformat(timespec="minutes") if value else ""


def csv_row(d: Datalek) -> list:
    return [
        d.kenmerk,
        d.titel,
        d.bestuur.naam,
        d.school.naam if d.school else "",
        d.bron,
        _dt(d.ontstaan_op),
        _dt(d.ontdekt_op),
        _dt(d.deadline),
        d.vertrouwelijkheid,
        d.integriteit,
        d.beschikbaarheid,
        ",".join(d.categorieen),
        d.aantal_personen or "",
        d.aantal_records or "",
        d.verwerker_naam,
        d.overeenkomst_omschrijving,
        d.risico,
        d.ap_besluit,
        _dt(d.ap_gemeld_op),
        d.ap_kenmerk,
        d.ap_niet_reden,
        d.vertraging_reden,
        d.betrokkenen_besluit,
        d.betrokkenen_niet_reden,
    ]


def _yes(value: bool) -> str:
    return _("yes") if value else _("no")


def processor_label(d: Datalek) -> str:
    """Whether a processor caused it, its name and the date of the agreement, as recorded."""
    parts = [_yes(d.door_verwerker), d.verwerker_naam]
    if d.overeenkomst_omschrijving:
        parts.append(_("agreement of %(date)s") % {"date": d.overeenkomst_omschrijving})
    return " ".join(p for p in parts if p)


def categories_label(d: Datalek) -> str:
    labels = dict(Gegevenscategorie.choices)
    return ", ".join(str(labels.get(c, c)) for c in d.categorieen) or "—"


def ap_form(d: Datalek) -> list[tuple[str, list[tuple[str, str]]]]:
    """The sections and questions of the AP's form, each with the register's answer."""
    organisatie = d.school or d.bestuur
    kinds = [
        str(label)
        for flag, label in (
            (d.vertrouwelijkheid, _("confidentiality")),
            (d.integriteit, _("integrity")),
            (d.beschikbaarheid, _("availability")),
        )
        if flag
    ]
    return [
        (
            _("Reporting organisation"),
            [
                (_("Name of the organisation"), str(organisatie)),
                (_("Board (controller)"), d.bestuur.naam),
                (
                    _("Data protection officer"),
                    f"{d.bestuur.fg_naam} {d.bestuur.fg_email}".strip() or "—",
                ),
                (_("Our reference"), d.kenmerk),
            ],
        ),
        (
            _("The breach"),
            [
                (_("Summary"), d.titel),
                (_("What happened"), d.omschrijving),
                (_("Date and time of the breach"), _dt(d.ontstaan_op) or _("unknown")),
                (_("Date and time the organisation became aware"), _dt(d.ontdekt_op)),
                (_("Kind of breach"), ", ".join(kinds) or "—"),
                (
                    _("Caused by a processor"),
                    processor_label(d),
                ),
            ],
        ),
        (
            _("People and data concerned"),
            [
                (_("Number of people concerned"), str(d.aantal_personen or _("unknown"))),
                (_("Number of records"), str(d.aantal_records or _("unknown"))),
                (_("Kinds of personal data"), categories_label(d)),
                (_("Groups of people"), _("pupils and their parents or guardians")),
            ],
        ),
        (
            _("Consequences and measures"),
            [
                (_("Likely consequences"), d.gevolgen or "—"),
                (_("Measures taken"), d.maatregelen_genomen or "—"),
                (_("Measures planned"), d.maatregelen_gepland or "—"),
                (
                    _("Risk assessment"),
                    f"{d.get_risico_display()}: {d.risico_toelichting}".strip(": "),
                ),
            ],
        ),
        (
            _("Informing the people concerned"),
            [
                (_("Decision"), d.get_betrokkenen_besluit_display()),
                (_("Reason not to inform"), d.betrokkenen_niet_reden or "—"),
            ],
        ),
        (
            _("Notification"),
            [
                (_("Late notification: reason for the delay"), d.vertraging_reden or "—"),
            ],
        ),
    ]


def ap_form_text(d: Datalek) -> str:
    lines = []
    for section, rows in ap_form(d):
        lines += [f"== {section} =="] + [f"{q}: {a}" for q, a in rows] + [""]
    return "\n".join(lines)
