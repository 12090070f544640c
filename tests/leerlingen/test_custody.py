"""The one custody rule (leerlingen/custody.py): who decides or acts for a pupil, on which day."""

import re
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils import translation

import pytest

from leerlingen import custody
from leerlingen.custody import Decider, Refusal
from leerlingen.forms import DeciderField
from leerlingen.models import Leerling

from .factories import GezagsrelatieFactory, LeerlingFactory, OuderFactory, UserFactory

BORN = date(2010, 6, 15)
AGE_15, AGE_16, AGE_18 = date(2026, 6, 14), date(2026, 6, 15), date(2028, 6, 15)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def family(db):
    leerling = LeerlingFactory(geboortedatum=BORN)
    met = OuderFactory(bestuur=leerling.school.bestuur)
    GezagsrelatieFactory(leerling=leerling, ouder=met)
    zonder = GezagsrelatieFactory(leerling=leerling, zonder_gezag=True).ouder
    return leerling, met, zonder


@pytest.mark.parametrize(
    ("who", "day", "expected"),
    [
        ("met", AGE_15, None),
        ("met", AGE_16, Refusal.FROM_16),
        ("met", AGE_18, Refusal.FROM_16),
        ("zonder", AGE_15, Refusal.NO_GEZAG),
        ("zonder", AGE_16, Refusal.NO_GEZAG),
        ("zonder", AGE_18, Refusal.NO_GEZAG),
        ("stranger", AGE_15, Refusal.NO_GEZAG),  # another pupil's parent: no gezag over this one
        ("pupil", AGE_15, Refusal.UNDER_16),
        ("pupil", AGE_16, None),
        ("pupil", AGE_18, None),
        ("nobody", AGE_15, Refusal.NO_DECIDER),
        ("nobody", AGE_16, Refusal.NO_DECIDER),
    ],
)
def test_the_table(family, who, day, expected):
    leerling, met, zonder = family
    ouder = {"met": met, "zonder": zonder, "stranger": GezagsrelatieFactory().ouder}.get(who)
    assert custody.refusal(leerling, ouder=ouder, door_leerling=who == "pupil", on=day) == expected


@pytest.mark.parametrize(
    ("born", "day", "years", "old_enough"),
    [
        (date(2008, 2, 29), date(2024, 2, 28), 16, False),
        (date(2008, 2, 29), date(2024, 2, 29), 16, True),
        (date(2084, 2, 29), date(2100, 2, 28), 16, False),  # 2100 has no 29 February ...
        (date(2084, 2, 29), date(2100, 3, 1), 16, True),  # ... so the birthday is 1 March
        (date(2100, 2, 28), date(2116, 2, 29), 16, True),  # 29 February; 16 years ago had none
        (date(2100, 3, 1), date(2116, 2, 29), 16, False),
        (date(2008, 2, 29), date(2026, 2, 28), 18, False),  # 18 in a year without 29 February
        (date(2008, 2, 29), date(2026, 3, 1), 18, True),
    ],
)
def test_29_february_birthdays_count_from_1_march(born, day, years, old_enough):
    assert (born <= custody.age_cutoff(years, day)) is old_enough
    leerling = LeerlingFactory.build(geboortedatum=born)
    assert (leerling.leeftijd(day) >= years) is old_enough  # the register's own age agrees


def test_anniversary_and_age_cutoff_are_one_29_february_convention():
    """Retention terms (``anniversary``) and birthdays (``age_cutoff``) read 29 February alike:
    for every day of four years around leap days, turning N equals reaching the N-th anniversary."""
    from datetime import timedelta

    start = date(2096, 1, 1)
    for offset in range(0, 4 * 366, 3):
        born = start + timedelta(days=offset)
        for years in (1, 2, 16):
            due = custody.anniversary(born, years=years)
            for day in (due - timedelta(days=1), due):
                assert (born <= custody.age_cutoff(years, day)) is (day >= due), (born, years, day)
    assert custody.anniversary(date(2024, 2, 29), years=1) == date(2025, 3, 1)
    assert custody.anniversary(date(2024, 2, 29), years=4) == date(2028, 2, 29)


def test_a_pupil_born_on_29_february_decides_from_1_march_in_a_year_without_it(db):
    leerling = LeerlingFactory(geboortedatum=date(2084, 2, 29))
    ouder = GezagsrelatieFactory(leerling=leerling).ouder
    on_28 = date(2100, 2, 28)
    assert custody.refusal(leerling, door_leerling=True, on=on_28) == Refusal.UNDER_16
    assert custody.refusal(leerling, ouder=ouder, on=on_28) is None
    assert custody.deciders(leerling, on_28) == [Decider(ouder=ouder, relatie="mother")]
    on_1_march = date(2100, 3, 1)
    assert custody.refusal(leerling, door_leerling=True, on=on_1_march) is None
    assert custody.refusal(leerling, ouder=ouder, on=on_1_march) == Refusal.FROM_16
    assert custody.deciders(leerling, on_1_march) == [Decider(is_pupil=True)]


def test_deciders_are_parents_with_gezag_below_16_and_the_pupil_from_16(
    family, django_assert_num_queries
):
    leerling, met, zonder = family
    second = GezagsrelatieFactory(leerling=leerling).ouder
    other = LeerlingFactory(geboortedatum=BORN)
    with django_assert_num_queries(1):  # one query whatever the number of pupils
        by_pupil = custody.deciders_of([leerling, other], on=AGE_15)
    assert [d.ouder for d in by_pupil[leerling.pk]] == [met, second]  # in registration order
    assert by_pupil[other.pk] == []  # nobody decides: no parent with gezag registered
    with django_assert_num_queries(0):  # from 16 the birth date alone answers
        assert custody.deciders_of([leerling], on=AGE_16) == {leerling.pk: [Decider(is_pupil=True)]}
    assert zonder not in [d.ouder for d in custody.deciders(leerling, AGE_15)]


def test_the_decider_field_cleans_to_one_of_the_offered_deciders(family):
    leerling, met, zonder = family
    field = DeciderField(deciders=custody.deciders(leerling, AGE_15))
    assert field.choices == [(str(met.pk), f"{met} (mother)")]
    assert field.clean(str(met.pk)) == Decider(ouder=met, relatie="mother")
    for not_offered in (str(zonder.pk), "leerling", f"ouder-{met.pk}", ""):
        with pytest.raises(ValidationError):
            field.clean(not_offered)
    field.deciders = custody.deciders(leerling, AGE_16)
    assert field.choices == [("leerling", "the pupil (16 or older)")]
    assert field.clean("leerling").is_pupil


def test_the_portal_asks_the_same_rule(family):
    leerling, met, zonder = family
    leerling.account = UserFactory()
    leerling.save()
    for ouder in (met, zonder):
        ouder.account = UserFactory()
        ouder.save()

    def seen_by(user):
        return custody.annotate_gezag_of(Leerling.objects.filter(pk=leerling.pk), user).get()

    def refusal(user, day):
        return custody.portal_refusal(user, seen_by(user), day)

    assert refusal(met.account, AGE_15) is None
    assert refusal(met.account, AGE_16) == Refusal.FROM_16
    assert refusal(zonder.account, AGE_15) == Refusal.NO_GEZAG
    assert refusal(leerling.account, AGE_15) == Refusal.UNDER_16
    assert refusal(leerling.account, AGE_18) is None
    assert custody.portal_decider(met.account, leerling) == Decider(ouder=met)
    assert custody.portal_decider(leerling.account, leerling) == Decider(is_pupil=True)


ROOT = Path(__file__).resolve().parents[2]
PRODUCT = [  # the product's packages; development tooling (devtools/) makes its own user names
    p
    for p in ROOT.iterdir()
    if p.name != "devtools" and ((p / "apps.py").exists() or (p / "settings.py").exists())
]


def _product_lines():
    for package in PRODUCT:
        for path in package.rglob("*.py"):
            if "migrations" not in path.parts:
                for number, line in enumerate(path.read_text().splitlines(), start=1):
                    yield f"{path.relative_to(ROOT)}:{number}", line


def test_no_ouder_string_is_built_or_parsed_for_a_decider():
    """Forms offer ``custody.Decider``s (``DeciderField``): no view builds or parses "ouder-N"."""
    pattern = re.compile(r"""f["']ouder-\{|startswith\(["']ouder-""")
    assert [where for where, line in _product_lines() if pattern.search(line)] == []


def test_the_rule_is_defined_once():
    """No second age or gezag rule beside custody.py: no own 16-year cut-off, no own gezag check."""
    names = "is_zestien_plus|is_sixteen_plus|sixteen_cutoff|age_cutoff|heeft_gezag"
    pattern = re.compile(rf"def ({names})\b|\.year - 1[68]\b")
    hits = [where for where, line in _product_lines() if pattern.search(line)]
    assert hits and all(where.startswith("leerlingen/custody.py:") for where in hits), hits
