"""Issue 18's walk: every staff role of the demo logs in through the log-in page, lands on "Mijn
taken" (/staf/) and does its main job from there by clicking; axe (WCAG 2.1 AA) finds nothing on
any page of the walk. Clicks and page loads are counted per role and printed (``-s``).

The demo is the real one (``manage.py demo``). Where "Mijn taken" has no line for the job (the demo
has nothing waiting there), the walk takes the role's link in the staff navigation instead and
says so in its notes; it never types a URL. Screenshots: /tmp/f_shots/walk-<role>-<n>.png.
"""

import os
import re
from dataclasses import dataclass, field
from io import StringIO

from django.core.management import call_command

import pytest

from .conftest import axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "demo-privacyschool"
SHOTS = os.environ.get("E2E_SCREENSHOTS", "/tmp/f_shots")


@dataclass
class Step:
    """Click the first link in ``where`` whose href matches ``href`` (and text ``text``)."""

    what: str
    href: str
    text: str = ""
    where: str = "main"
    nav: str = ""  # on "Mijn taken": the staff navigation's link to take when the line is missing
    already: str = ""  # a URL pattern: the step is done when the walk already stands there


REVIEW = [
    Step(
        "requests waiting for my review",
        r"^/staf/verzoeken/",
        text="beoordeling",
        nav="/staf/verzoeken/",
    ),
    Step(
        "a request waiting for review",
        r"^/staf/verzoeken/\d+/$",
        where="main tr:has-text('wacht op beoordeling')",
    ),
    Step("review and approve", r"^/staf/verzoeken/\d+/beoordeling/$"),
]

WALKS: dict[str, tuple[str, list[Step]]] = {
    "directeur": ("open a request waiting for review", REVIEW),
    "directeur-vo": ("open a request waiting for review", REVIEW),
    "ib": (
        "open the request nearest its deadline",
        [
            Step("open requests", r"^/staf/verzoeken/", text="termijn", nav="/staf/verzoeken/"),
            Step("the first request", r"^/staf/verzoeken/\d+/$", where="main table"),
        ],
    ),
    "administratie": (
        "open a pupil record",
        [
            Step("pupils", r"^/admin/leerlingen/leerling/", nav="/admin/"),
            Step(
                "the pupil list",
                r"^/admin/leerlingen/leerling/$",
                where="#content",
                already=r"/admin/leerlingen/leerling/$",
            ),
            Step("a pupil", r"^/admin/leerlingen/leerling/\d+/change/$", where="#result_list"),
        ],
    ),
    "leerkracht": (
        "the photo list of the group",
        [
            Step(
                "consent in my group", r"^/staf/toestemming/groep/\d+/$", nav="/staf/toestemming/"
            ),
            Step(
                "my group",
                r"^/staf/toestemming/groep/\d+/$",
                already=r"/staf/toestemming/groep/\d+/$",
            ),
        ],
    ),
    "fg": (
        "the access review",
        [Step("the access review", r"^/staf/toegangscontrole/", nav="/staf/toegangscontrole/")],
    ),
    "bestuur": (
        "the processor agreements",
        [
            Step("agreements expiring", r"^/admin/delen/verwerkersovereenkomst/", nav="/admin/"),
            Step(
                "the agreements",
                r"^/admin/delen/verwerkersovereenkomst/$",
                where="#content",
                already=r"/admin/delen/verwerkersovereenkomst/",
            ),
            Step(
                "an agreement",
                r"^/admin/delen/verwerkersovereenkomst/\d+/change/$",
                where="#result_list",
            ),
        ],
    ),
}


@dataclass
class Walk:
    role: str
    clicks: int = 0
    loads: int = 0
    pages: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    done: bool = False


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def _find(page, where: str, href: str, text: str = ""):
    for link in page.locator(where).locator("a[href]").all():
        if re.search(href, link.get_attribute("href") or "") and re.search(
            text, link.inner_text(), re.IGNORECASE
        ):
            return link
    return None


def _look(page, walk: Walk, response=None) -> None:
    """The page the walk stands on: its status, axe, a screenshot."""
    walk.pages.append(_path(page.url))
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/walk-{walk.role}-{len(walk.pages)}.png", full_page=True)
    if response is not None and response.status >= 400:
        walk.problems.append(f"{_path(page.url)} answered {response.status}")
    for v in axe_violations(page):
        targets = [n["target"] for n in v["nodes"]][:3]
        walk.problems.append(f"axe on {_path(page.url)}: {v['id']} ({v['help']}) {targets}")


def _click(page, walk: Walk, link) -> None:
    with page.expect_navigation() as nav:
        link.click()
    walk.clicks += 1
    page.wait_for_load_state()
    _look(page, walk, nav.value)


def _walk(page, base: str, role: str) -> Walk:
    walk = Walk(role)
    page.context.clear_cookies()
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", role)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_load_state()
    if _path(page.url) != "/staf/":
        walk.problems.append(f"landed on {_path(page.url)}, not on Mijn taken")
        return walk
    loads = []
    page.on(
        "framenavigated",
        lambda frame: loads.append(frame.url) if frame == page.main_frame else None,
    )
    _look(page, walk)
    os.replace(f"{SHOTS}/walk-{role}-1.png", f"{SHOTS}/walk-{role}-landing.png")
    job, steps = WALKS[role]
    for n, step in enumerate(steps):
        if step.already and re.search(step.already, page.url):
            continue
        link = _find(page, step.where, step.href, step.text)
        if link is None and n == 0 and step.nav:
            walk.notes.append(
                f"no line on Mijn taken for {step.what!r}: took the navigation's link"
            )
            link = _find(page, "nav", f"^{re.escape(step.nav)}$")
        if link is None:
            walk.notes.append(f"not in the demo now: {step.what!r} (on {_path(page.url)})")
            break
        _click(page, walk, link)
    else:
        walk.done = True
    if role == "leerkracht" and walk.done:
        pdf = _find(page, "main", r"fotolijst\.pdf$")
        if pdf is None:
            walk.problems.append("no photo-list PDF link on the group page")
        else:
            response = page.request.get(base + pdf.get_attribute("href"))
            if response.headers.get("content-type") != "application/pdf":
                walk.problems.append("the photo list is not a PDF")
            else:
                with open(f"{SHOTS}/walk-leerkracht-fotolijst.pdf", "wb") as out:
                    out.write(response.body())
    walk.loads = len(loads)
    return walk


def test_every_staff_role_walks_from_mijn_taken_to_its_main_job(page, live_server):
    call_command("demo", stdout=StringIO())
    page.set_default_timeout(60_000)  # 2 shared cores: a slow page is not a failure here
    walks = []
    for role in WALKS:
        try:
            walks.append(_walk(page, live_server.url, role))
        except Exception:
            page.screenshot(path=f"{SHOTS}/walk-{role}-error.png", full_page=True)
            print(role, _path(page.url), page.inner_text("body")[:500])
            raise
    print("\nrole           clicks  page loads  done  pages / notes")
    for w in walks:
        print(
            f"{w.role:<14} {w.clicks:>6}  {w.loads:>10}  {'yes' if w.done else 'no':>4}  {' > '.join(w.pages)}"
        )
        for note in w.notes:
            print(f"{'':<14} note: {note}")
    problems = [f"{w.role}: {p}" for w in walks for p in w.problems]
    assert problems == [], "\n".join(problems)
    # the demo has each role's job except where a note says the demo has nothing for it now
    assert all(w.done or any("not in the demo now" in n for n in w.notes) for w in walks)
    assert {w.role for w in walks if w.done} >= {"directeur", "leerkracht", "fg", "administratie"}
