"""Every key page makes a fixed number of queries, whatever the number of rows (DESIGN.md §9).

For each page and role the data are built twice, at a small and at a larger size (more pupils in
the group, more children, more open requests, more items on a destruction list, each with its
guardians, consent decisions, dossier items and history rows). Each size is built inside a
savepoint that is rolled back afterwards, so both runs start from the same ``world``. The page is
requested once to warm the per-process caches (content types, as in a running server) and once
measured with ``CaptureQueriesContext``. The test asserts that

(a) the larger run makes exactly as many queries as the small one (or a documented constant more);
(b) both stay within the budget of ``BUDGET`` queries.

Counted are the statements sent to PostgreSQL minus SAVEPOINT / RELEASE SAVEPOINT: the test runs
inside a transaction, which turns every ``transaction.atomic`` of a view into savepoint statements
that a request in production (autocommit) does not send. On failure the message lists the query
patterns that grew and the full SQL of the larger run.

Run: ``pytest tests/test_query_counts.py -q`` (add ``-s`` to see the table of counts).
"""

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

import pytest

from delen.models import Soort as Ontvangersoort
from delen.services import ensure_default_register
from leerlingen import audit
from leerlingen.models import (
    Bewaarcategorie,
    DossierItem,
    Gegevenscategorie,
    Leerling,
    Vernietigingslijst,
    VernietigingslijstItem,
)
from leerlingen.retention.rules import ensure_default_terms
from toestemming.models import Doel
from toestemming.services import give_consent
from verzoeken import services as verzoek_services
from verzoeken.models import Termijnsignaal

from .leerlingen.factories import (
    DossierItemFactory,
    GezagsrelatieFactory,
    LeerlingFactory,
    OuderFactory,
)
from .leerlingen.factories_retention import BlokkadeFactory, pupil_with_family
from .toestemming.conftest import consent  # noqa: F401  (fixture: default purposes, published forms)
from .verzoeken.factories import BeperkingFactory, file

pytestmark = pytest.mark.django_db

BUDGET = 15
_SAVEPOINT = re.compile(
    r"^\s*(RELEASE\s+)?SAVEPOINT\b|^\s*ROLLBACK\s+TO\s+SAVEPOINT\b", re.IGNORECASE
)


@dataclass
class Target:
    """What to request once the data are built."""

    url: str
    method: str = "get"
    data: dict | None = None
    content_type: str | None = None  # e.g. application/pdf
    # Proof that the rows are on the page (else a role that sees nothing would pass): texts that
    # must all be there, and a text that must be there at least so many times.
    expect: tuple[str, ...] = ()
    count: tuple[str, int] | None = None
    # A step of the real flow before each request, not measured: (client) -> fields added to
    # ``data`` (the disclosure's preview, whose signed confirmation is good for one request).
    before: Callable | None = None


@dataclass(frozen=True)
class Page:
    name: str
    role: str  # a key of ``world.users``
    build: Callable  # (world, size) -> Target
    sizes: tuple[int, int]
    # Queries the larger run may make beyond the small one: 0 unless a constant is justified
    # (in ``why``).
    extra_allowed: int = 0
    budget: int = BUDGET  # more only with a reason in ``why``
    why: str = ""
    xfail: str | None = None  # a known failure the lead fixes elsewhere; strict, so a fix shows up

    @property
    def id(self) -> str:
        return f"{self.name}-{self.role}"


# --- data builders: each builds the rows for one size and returns what to request ---------------


def _families(world, n: int, groep: str = "g5") -> list[Leerling]:
    """``n`` pupils in the group, each with a parent with gezag, a parent without, and a dossier
    item of study progress and one of a special category."""
    g = world.groepen[groep]
    pupils = []
    for i in range(n):
        leerling = LeerlingFactory(groep=g)
        GezagsrelatieFactory(leerling=leerling, ouder=OuderFactory(bestuur=g.school.bestuur))
        GezagsrelatieFactory(
            leerling=leerling, ouder=OuderFactory(bestuur=g.school.bestuur), zonder_gezag=True
        )
        DossierItemFactory(leerling=leerling)
        DossierItemFactory(leerling=leerling, medisch=i % 2 == 0, religie=i % 2 == 1)
        pupils.append(leerling)
    return pupils


def _decisions(pupils, school) -> None:
    """Consent answers on the first purposes of the school's form, one changed (a history row)."""
    doelen = list(Doel.objects.filter(school=school).order_by("volgorde", "id")[:3])
    for i, leerling in enumerate(pupils):
        ouder = leerling.relaties.filter(heeft_gezag=True).select_related("ouder").first().ouder
        for j, doel in enumerate(doelen):
            give_consent(leerling=leerling, doel=doel, gegeven=(i + j) % 2 == 0, ouder=ouder)
        give_consent(leerling=leerling, doel=doelen[0], gegeven=i % 2 == 1, ouder=ouder)


def _edit(obj, times: int, user) -> None:
    """History rows: ``times`` saves by ``user``."""
    for i in range(times):
        obj._history_user = user
        obj.telefoon = f"06-{i:08d}"
        obj.save()


def admin_pupil_list(world, n):
    pupils = _families(world, n)
    return Target("/admin/leerlingen/leerling/", expect=tuple(p.leerlingnummer for p in pupils))


def admin_pupil_detail(world, n):
    pupil = world.pupils["g5"]
    school = pupil.school
    for i in range(n):
        GezagsrelatieFactory(
            leerling=pupil, ouder=OuderFactory(bestuur=school.bestuur), zonder_gezag=i % 2 == 1
        )
        DossierItemFactory(leerling=pupil)
        DossierItemFactory(leerling=pupil, medisch=True)
    _edit(Leerling.objects.get(pk=pupil.pk), n, world.users["administratie"])
    return Target(f"/admin/leerlingen/leerling/{pupil.pk}/change/", count=("Item ", n))


def _children(world, n: int) -> list[Leerling]:
    """The parent with gezag has ``n`` children (the world's Groep 5 pupil and n - 1 more, in two
    schools), each with a second parent and consent answers of both parents."""
    ouder = world.ouders["gezag"]
    groepen = [world.groepen["g5"], world.groepen["g6"], world.groepen["k5"]]
    kids = [world.pupils["g5"]]
    for i in range(n - 1):
        groep = groepen[i % len(groepen)]
        kid = LeerlingFactory(groep=groep, geboortedatum=date(2015, 1, 1) + timedelta(days=i))
        GezagsrelatieFactory(ouder=ouder, leerling=kid)
        kids.append(kid)
    for kid in kids:
        other = OuderFactory(bestuur=kid.school.bestuur)
        GezagsrelatieFactory(ouder=other, leerling=kid)
        doelen = list(Doel.objects.filter(school=kid.school).order_by("volgorde", "id")[:3])
        for j, doel in enumerate(doelen):
            give_consent(leerling=kid, doel=doel, gegeven=True, ouder=ouder)
            # The other parent disagrees now and then: a conflict.
            give_consent(leerling=kid, doel=doel, gegeven=j % 2 == 0, ouder=other)
        # A changed answer: a history row.
        give_consent(leerling=kid, doel=doelen[0], gegeven=False, ouder=ouder)
    return kids


def portal_overview(world, n):
    kids = _children(world, n)
    return Target("/portaal/", expect=tuple(k.roepnaam for k in kids), count=('class="avatar"', n))


def portal_child(world, n):
    kid = _children(world, n)[-1]
    return Target(f"/portaal/kind/{kid.pk}/", expect=(kid.roepnaam,))


def _photo_group(world, n):
    pupils = _families(world, n)
    _decisions(pupils, world.schools["a1"])
    return world.groepen["g5"].pk


def photo_list(world, n):
    return Target(
        f"/staf/toestemming/groep/{_photo_group(world, n)}/", count=('<th scope="row">', n + 1)
    )


def photo_list_pdf(world, n):
    return Target(
        f"/staf/toestemming/groep/{_photo_group(world, n)}/fotolijst.pdf",
        content_type="application/pdf",
    )


def _open_requests(world, n: int):
    """``n`` open requests at school A1 (distinct pupils with parents), some planned."""
    pupils = _families(world, (n + 1) // 2, "g5") + _families(world, n // 2, "g6")
    handler = world.users["administratie"]
    made = []
    for i, leerling in enumerate(pupils):
        ouder = leerling.relaties.filter(heeft_gezag=True).first().ouder
        verzoek = file(
            leerling, ouder=ouder, by=handler, soort=("inzage", "rectificatie", "wissen")[i % 3]
        )
        if i % 2:
            verzoek_services.plan_appointment(
                verzoek=verzoek, afspraak_op=timezone.now() + timedelta(days=3), user=handler
            )
        made.append(verzoek)
    return made


def requests_overview(world, n):
    return Target("/staf/verzoeken/", expect=tuple(v.kenmerk for v in _open_requests(world, n)))


def request_detail(world, n):
    """One request of the Groep 5 pupil with ``n`` history rows, restrictions and warnings."""
    handlers = [world.users[k] for k in ("administratie", "ib", "directeur")]
    verzoek = file(world.pupils["g5"], ouder=world.ouders["gezag"], by=handlers[0])
    for i in range(n):
        verzoek_services.plan_appointment(
            verzoek=verzoek,
            afspraak_op=timezone.now() + timedelta(days=i + 1),
            user=handlers[i % 3],
        )
        BeperkingFactory(
            leerling=world.pupils["g5"],
            verzoek=verzoek,
            ingesteld_door=handlers[i % 3],
            opgeheven_op=timezone.now(),
            opgeheven_door=handlers[(i + 1) % 3],
            opheffing_reden="klaar",
        )
        Termijnsignaal.objects.create(
            verzoek=verzoek, soort="week", uiterste_datum=date(2030, 1, 1) + timedelta(days=i)
        )
    return Target(f"/staf/verzoeken/{verzoek.pk}/", count=("afspraak gepland", n))


def rectification_detail(world, n):
    """A rectification being prepared: ``n`` corrections of the pupil's record and dossier since
    it was recorded, which the page reads back from the history."""
    handler = world.users["administratie"]
    verzoek = file(
        world.pupils["g5"], ouder=world.ouders["gezag"], by=handler, soort="rectificatie"
    )
    _edit(Leerling.objects.get(pk=world.pupils["g5"].pk), n, handler)
    for i in range(n):
        DossierItemFactory(leerling=world.pupils["g5"], titel=f"Correctie {i}")
    return Target(f"/staf/verzoeken/{verzoek.pk}/", expect=(verzoek.kenmerk,))


def _export_form(world, n, soort):
    pupils = [world.pupils["g5"], *_families(world, n - 1)]
    ensure_default_register(world.schools["a1"])
    ontvanger = world.schools["a1"].ontvangers.get(soort=soort)
    return ontvanger, pupils


def disclosure_form(world, n):
    ontvanger, pupils = _export_form(world, n, Ontvangersoort.JGZ)
    return Target(
        f"/delen/verstrekken/{ontvanger.pk}/?groep={world.groepen['g5'].pk}",
        expect=tuple(escape(p.achternaam) for p in pupils),
    )


def _previewed(client, ontvanger, data) -> dict:
    """The preview's signed confirmation of ``data``: a disclosure is confirmed only from it."""
    preview = client.post(f"/delen/verstrekken/{ontvanger.pk}/controle/", data)
    assert preview.status_code == 200, f"preview: HTTP {preview.status_code}"
    token = re.search(r'name="bevestiging" value="([^"]+)"', preview.content.decode())
    assert token, "the preview has no confirmation"
    return {"bevestiging": token.group(1)}


def _disclosure_export(soort):
    def build(world, n):
        ontvanger, pupils = _export_form(world, n, soort)
        velden = [v for v in ontvanger.velden if v != "bsn" or soort == Ontvangersoort.DUO]
        data = {
            "groep": str(world.groepen["g5"].pk),
            "leerlingen": [str(p.pk) for p in pupils],
            "velden": velden,
            "formaat": "csv",
            "doel": "Oproep",
            "reden": "Verzuim",
            "ouders_geinformeerd_op": date.today().isoformat(),
        }
        # The CSV has its header and a line per pupil.
        return Target(
            f"/delen/verstrekken/{ontvanger.pk}/bevestigen/",
            method="post",
            data=data,
            count=("\n", n + 1),
            before=lambda client: _previewed(client, ontvanger, data),
        )

    return build


def _destruction_list(world, n: int) -> Vernietigingslijst:
    """An open list of school A1 with ``n`` items: pupils who left and their dossier items, one of
    them on legal hold."""
    school = world.schools["a1"]
    ensure_default_terms(school=school)
    lijst = Vernietigingslijst.objects.create(
        school=school,
        naam=f"VL-11AA-{Vernietigingslijst.objects.count() + 1}",
        peildatum=date(2026, 11, 23),
    )
    ct_pupil, ct_item = (
        ContentType.objects.get_for_model(Leerling),
        ContentType.objects.get_for_model(DossierItem),
    )
    items = []
    while len(items) < n:
        pupil = pupil_with_family(
            school=school, left=date(2018, 7, 15), items=("studievoortgang", "medisch")
        )
        hold = BlokkadeFactory(leerling=pupil) if len(items) == 0 else None
        rows = [(ct_pupil, pupil.pk, Bewaarcategorie.LEERLINGADMINISTRATIE)] + [
            (
                ct_item,
                item.pk,
                Bewaarcategorie.ZORGDOSSIER
                if item.categorie == Gegevenscategorie.MEDISCH
                else Bewaarcategorie.LEERLINGADMINISTRATIE,
            )
            for item in pupil.dossieritems.all()
        ]
        for ct, object_id, categorie in rows[: n - len(items)]:
            items.append(
                VernietigingslijstItem.objects.create(
                    lijst=lijst,
                    content_type=ct,
                    object_id=object_id,
                    leerling_id_ref=pupil.pk,
                    categorie=categorie,
                    termijn_omschrijving="5 jaar na uitschrijving",
                    vervaldatum=date(2023, 7, 15),
                    status=VernietigingslijstItem.Status.OVERGESLAGEN
                    if hold
                    else VernietigingslijstItem.Status.TE_VERNIETIGEN,
                    blokkade=hold,
                )
            )
    return lijst


def destruction_list(world, n):
    lijst = _destruction_list(world, n)
    return Target(
        f"/admin/leerlingen/vernietigingslijst/{lijst.pk}/change/",
        count=("5 jaar na uitschrijving", n),
    )


def destruction_lists(world, n):
    """``n`` lists of school A1 (one open, the others cancelled), a few items each."""
    names = []
    for i in range(n):
        lijst = _destruction_list(world, 3)
        names.append(lijst.naam)
        if i < n - 1:  # one open list per school
            lijst.status = Vernietigingslijst.Status.GEANNULEERD
            lijst.save()
    # Progress: the 3 items belong to the first pupil, who is on hold: all 3 dealt with (skipped).
    return Target("/admin/leerlingen/vernietigingslijst/", expect=(*names, "3 / 3"))


def access_review(world, n):
    """``n`` log rows of several staff members about several pupils, reads and exports."""
    readers = [world.users[k] for k in ("ib", "directeur", "administratie", "leerkracht")]
    item = world.items["medisch"]
    for i in range(n):
        user = readers[i % len(readers)]
        pupil = LeerlingFactory(groep=world.groepen["g5"]) if i % 3 == 0 else item.leerling
        audit.special_data_viewed(
            user=user, leerling=pupil, obj=item, categorieen={"medisch"}, reden="zorg"
        )
        audit.export_made(
            user=user,
            object_type="fotolijst",
            categorieen=["beeld"],
            reden="fotolijst",
            object_id=i,
        )
    return Target("/staf/toegangscontrole/", count=("<td>zorg</td>", min(n, 25)))


# --- the pages --------------------------------------------------------------------------------

EXPORT_WRITES = (
    "a POST that records the disclosure: 10 of its statements are writes and their bookkeeping "
    "(Verstrekking and its history row; the pupil links, which simple-history's m2m tracking "
    "reads and copies into history rows; the access-log row; the session update). Its reads are "
    "9 (10 with parents' contact data): session, user, the user's roles, recipient, group, chosen "
    "pupils, the service's re-check of recipient and pupils, the table's rows (and guardians)"
)

PAGES = [
    *(
        Page("admin-pupil-list", role, admin_pupil_list, (3, 40))
        for role in ("leerkracht", "ib", "directeur", "fg")
    ),
    *(
        Page("admin-pupil-detail", role, admin_pupil_detail, (1, 12))
        for role in ("leerkracht", "ib", "directeur", "fg")
    ),
    Page("portal-overview", "ouder_gezag", portal_overview, (1, 6)),
    Page("portal-child", "ouder_gezag", portal_child, (1, 6)),
    Page("photo-list", "leerkracht", photo_list, (3, 40)),
    Page("photo-list-pdf", "leerkracht", photo_list_pdf, (3, 40)),
    *(
        Page("requests-overview", role, requests_overview, (2, 30))
        for role in ("administratie", "ib", "directeur", "fg")
    ),
    *(
        Page("request-detail", role, request_detail, (1, 20))
        for role in ("administratie", "directeur", "fg")
    ),
    Page("request-detail-rectification", "administratie", rectification_detail, (1, 20)),
    Page("disclosure-form", "directeur", disclosure_form, (3, 40)),
    *(
        Page(
            f"disclosure-export-{soort}",
            "directeur",
            _disclosure_export(soort),
            (3, 40),
            budget=20,
            why=EXPORT_WRITES,
        )
        for soort in (Ontvangersoort.JGZ, Ontvangersoort.DUO, Ontvangersoort.LEERPLICHT)
    ),
    *(
        Page(
            "destruction-list",
            role,
            destruction_list,
            (1, 25),
            extra_allowed=1,
            why="one query per kind of record on the page (pupils, dossier items) to name them: "
            "the small list holds one kind, the large one both; bounded by the number of kinds, "
            "not of rows",
        )
        for role in ("directeur", "fg")
    ),
    *(Page("destruction-lists", role, destruction_lists, (1, 10)) for role in ("directeur", "fg")),
    Page("access-review", "fg", access_review, (1, 40)),
]


# --- measuring --------------------------------------------------------------------------------


def _prepared(client, target: Target) -> dict | None:
    """The data of one request, after the target's unmeasured ``before`` step."""
    if target.before is None:
        return target.data
    return {**(target.data or {}), **target.before(client)}


def _request(client, target: Target, data: dict | None):
    if target.method == "post":
        return client.post(target.url, data)
    return client.get(target.url)


def _shape(sql: str) -> str:
    """The query with its literals replaced, so repeats of one pattern can be counted."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"_django_curs_\w+", "_django_curs_?", sql)  # server-side cursor names
    sql = re.sub(r"\b\d+\b", "?", sql)
    return re.sub(r"\((?:\?,\s*)*\?\)", "(?...)", sql)


def measure(client, world, page: Page, size: int) -> list[str]:
    """The statements of one request of ``page`` with data of ``size``; the data are rolled back."""
    with transaction.atomic():
        target = page.build(world, size)
        client.force_login(world.users[page.role])
        _request(client, target, _prepared(client, target))  # warm-up
        data = _prepared(client, target)
        with CaptureQueriesContext(connection) as ctx:
            response = _request(client, target, data)
        assert response.status_code == 200, f"{page.id} at size {size}: HTTP {response.status_code}"
        if target.content_type:
            assert response["Content-Type"].startswith(target.content_type)
        content = response.content.decode("utf-8", "replace")
        missing = [text for text in target.expect if text not in content]
        assert not missing, f"{page.id} at size {size}: rows missing from the page: {missing[:5]}"
        if target.count:
            needle, at_least = target.count
            assert content.count(needle) >= at_least, (
                f"{page.id} at size {size}: {needle!r} < {at_least} times"
            )
        transaction.set_rollback(True)
    return [q["sql"] for q in ctx.captured_queries if not _SAVEPOINT.match(q["sql"])]


def _explain(page: Page, small: list[str], large: list[str]) -> str:
    grown = Counter(map(_shape, large))
    grown.subtract(Counter(map(_shape, small)))
    lines = [
        f"{page.id}: {len(small)} queries at size {page.sizes[0]}, "
        f"{len(large)} at size {page.sizes[1]} "
        f"(budget {page.budget}, allowed growth {page.extra_allowed})."
    ]
    if page.why:
        lines.append(f"Documented for this page: {page.why}.")
    patterns = [(n, shape) for shape, n in grown.items() if n]
    if patterns:
        lines.append("Patterns whose count changed (+n = more at the larger size):")
        lines += [f"  {n:+d}  {shape[:400]}" for n, shape in sorted(patterns, reverse=True)]
    lines.append(f"SQL of the run at size {page.sizes[1]}:")
    lines += [f"  {i:2d}. {sql[:600]}" for i, sql in enumerate(large, 1)]
    return "\n".join(lines)


def _params():
    for page in PAGES:
        marks = [pytest.mark.xfail(strict=True, reason=page.xfail)] if page.xfail else []
        yield pytest.param(page, id=page.id, marks=marks)


@pytest.mark.parametrize("page", list(_params()))
def test_queries_do_not_grow_with_rows(client, consent, page):  # noqa: F811
    small = measure(client, consent, page, page.sizes[0])
    large = measure(client, consent, page, page.sizes[1])
    print(
        f"\nQUERYCOUNT {page.name:32s} {page.role:14s} {page.sizes[0]:>3}: {len(small):>3}  "
        f"{page.sizes[1]:>3}: {len(large):>3}"
    )
    if (
        not len(small) <= len(large) <= len(small) + page.extra_allowed
        or max(len(small), len(large)) > page.budget
    ):
        pytest.fail(_explain(page, small, large), pytrace=False)


def test_a_restricted_pupil_in_a_group_export_is_still_refused(client, consent):  # noqa: F811
    """The export form reads each pupil's restriction from one annotation (delen/views.py), not a
    query per pupil; a restricted pupil in the group is still refused, and nothing is recorded."""
    from delen.models import Verstrekking

    build = _disclosure_export(Ontvangersoort.JGZ)
    target = build(consent, 40)
    client.force_login(consent.users["directeur"])
    client.cookies["django_language"] = "en"
    # Previewed before the restriction, which comes between the preview and the confirmation.
    data = _prepared(client, target)
    restricted = Leerling.objects.filter(pk__in=target.data["leerlingen"]).order_by("id")[:2]
    for pupil in restricted:
        BeperkingFactory(leerling=pupil)
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(target.url, data)
    assert response.status_code == 400
    assert (
        escape("2 pupils' data are restricted (AVG art. 18) and are never disclosed.")
        in response.content.decode()
    )
    assert not Verstrekking.objects.exists()
    per_pupil = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith('SELECT 1 AS "a" FROM "verzoeken_beperking"')
    ]
    assert per_pupil == []
