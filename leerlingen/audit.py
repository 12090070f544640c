"""Audit events for reads and exports (DESIGN.md §4). simple-history covers the writes.

One small function per event. Entries hold ids and category names, never personal data.
"""

import re

from django.utils.translation import gettext_lazy

from .models import Gegevenscategorie, Toegangslog


def special_data_viewed(*, user, leerling, obj, categorieen, reden: str) -> Toegangslog:
    return Toegangslog.objects.create(
        gebruiker=user if user and user.is_authenticated else None,
        soort=Toegangslog.Soort.INZAGE,
        leerling=leerling,
        object_type=obj._meta.model_name,
        object_id=str(obj.pk),
        categorieen=",".join(sorted(categorieen)),
        reden=reden,
    )


def export_made(
    *, user, object_type: str, categorieen, reden: str, leerling=None, object_id=""
) -> Toegangslog:
    return Toegangslog.objects.create(
        gebruiker=user if user and user.is_authenticated else None,
        soort=Toegangslog.Soort.EXPORT,
        leerling=leerling,
        object_type=object_type,
        object_id=str(object_id),
        categorieen=",".join(sorted(categorieen)),
        reden=reden,
    )


def bsn_searched(*, user, leerling_id=None) -> Toegangslog:
    """A search by BSN is a read of the BSN (a special category), found or not; the entry holds
    the pupil's id when exactly one was found, never the number searched for."""
    return Toegangslog.objects.create(
        gebruiker=user if user and user.is_authenticated else None,
        soort=Toegangslog.Soort.INZAGE,
        leerling_id=leerling_id,
        object_type="leerling",
        object_id=str(leerling_id or ""),
        categorieen="bsn",
        reden="admin: search by BSN",
    )


def disclosure_refused(*, user, ontvanger, leerling_ids, categorieen, regels) -> Toegangslog:
    """A refused attempt to disclose: the recipient, the rules and the pupils, as ids only."""
    ids = ",".join(str(i) for i in sorted(leerling_ids))
    reden = f"disclosure refused to {ontvanger.soort}; rules: {','.join(sorted(set(regels)))}; pupils: {ids}"
    if len(reden) > 200:
        reden = reden[:197] + "..."
    return Toegangslog.objects.create(
        gebruiker=user if user and user.is_authenticated else None,
        soort=Toegangslog.Soort.WEIGERING,
        leerling_id=leerling_ids[0] if len(leerling_ids) == 1 else None,
        object_type="ontvanger",
        object_id=str(ontvanger.pk),
        categorieen=",".join(sorted(categorieen)),
        reden=reden,
    )


# --- reading the log back in the reader's language ----------------------------------------------
# The log stores its reasons and record types as the code wrote them (English, stable for
# searching); pages show them through these tables, translated. An unknown reason is shown as
# stored.
_REASONS = [
    (r"admin: pupil record", gettext_lazy("pupil record opened in the admin")),
    (r"admin: pupil record history", gettext_lazy("history of a pupil record in the admin")),
    (r"admin: dossier item", gettext_lazy("dossier item opened in the admin")),
    (r"admin: dossier item history", gettext_lazy("history of a dossier item in the admin")),
    (r"admin: search by BSN", gettext_lazy("search by BSN in the admin")),
    (r"access review CSV", gettext_lazy("access review as CSV")),
    (r"breach register CSV", gettext_lazy("breach register as CSV")),
    (r"breach register PDF", gettext_lazy("breach register as PDF")),
    (r"breach AP notification form", gettext_lazy("notification form for the AP of a breach")),
    (r"breach letter PDF", gettext_lazy("letter to families about a breach")),
    (r"request register for an audit", gettext_lazy("request register for an audit")),
    (
        r"reply letter to a refused police demand",
        gettext_lazy("reply letter to a refused police demand"),
    ),
    (
        r"photo list of a group \(consent per purpose\)",
        gettext_lazy("photo list of a group (consent per purpose)"),
    ),
    (
        r"letters with personal portal codes for a group",
        gettext_lazy("letters with personal portal codes for a group"),
    ),
    (
        r"register of processing \((?P<format>\w+)\)",
        gettext_lazy("register of processing (%(format)s)"),
    ),
    (r"disclosure (?P<ref>\S+) to \S+", gettext_lazy("disclosure %(ref)s")),
    (
        r"disclosure refused to \S+; rules: (?P<rules>[\w,-]+);.*",
        gettext_lazy("disclosure refused by the rules (%(rules)s)"),
    ),
    (r"director's review of (?P<ref>\S+)", gettext_lazy("director's review of %(ref)s")),
    (
        r"access request (?P<ref>\S+): final export",
        gettext_lazy("access request %(ref)s: final export"),
    ),
    (
        r"access request (?P<ref>\S+): preview for the director",
        gettext_lazy("access request %(ref)s: preview for the director"),
    ),
    (
        r"request (?P<ref>\S+): (?P<doc>\w+) downloaded",
        gettext_lazy("request %(ref)s: document downloaded"),
    ),
]
_REASON_PATTERNS = [(re.compile(f"^{pattern}$"), label) for pattern, label in _REASONS]

OBJECT_TYPES = {
    "datalek": gettext_lazy("breach"),
    "fotolijst": gettext_lazy("photo list"),
    "leerling": gettext_lazy("pupil"),
    "ontvanger": gettext_lazy("recipient"),
    "register": gettext_lazy("register of processing"),
    "toegangscodes": gettext_lazy("portal codes"),
    "toegangslog": gettext_lazy("access log"),
    "verstrekking": gettext_lazy("disclosure"),
    "verzoek": gettext_lazy("request"),
    "verzoekdocument": gettext_lazy("request document"),
    "verzoekenregister": gettext_lazy("request register"),
    "vordering": gettext_lazy("police demand"),
    "dossieritem": gettext_lazy("dossier item"),
}


def reason_label(reden: str) -> str:
    """A logged reason in the reader's language (as stored when no pattern knows it)."""
    for pattern, label in _REASON_PATTERNS:
        if m := pattern.match(reden):
            groups = m.groupdict()
            return str(label) % groups if groups else str(label)
    return reden


def object_type_label(object_type: str) -> str:
    label = OBJECT_TYPES.get(object_type)
    return str(label) if label is not None else object_type


def categories_label(categorieen: str) -> str:
    """The stored comma-separated category codes as the reader's labels."""
    labels = dict(Gegevenscategorie.choices)
    codes = [c for c in categorieen.split(",") if c]
    return ", ".join(str(labels.get(c, c)) for c in codes)
