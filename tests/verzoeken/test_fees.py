"""Copy fees (AVG art. 15(3), seed 003): the first copy is free; further copies follow the table."""

from decimal import Decimal

import pytest

from verzoeken.models import VerzoekInstellingen
from verzoeken.rules import copy_fee

TABLE = VerzoekInstellingen()  # the defaults of seed 003


@pytest.mark.parametrize("pages", [1, 10, 20, 101, 500])
def test_first_copy_is_free(pages):
    assert copy_fee(paginas=pages, kopie_nummer=1, instellingen=TABLE) == Decimal("0.00")


@pytest.mark.parametrize(
    ("pages", "fee"),
    [
        (10, Decimal("2.30")),  # 10 x 0.23
        (19, Decimal("4.37")),
        (20, Decimal("4.50")),  # 4.60 capped at 4.50
        (100, Decimal("4.50")),
        (101, Decimal("22.50")),  # above 100 pages the higher cap: 23.23 capped at 22.50
        (90, Decimal("4.50")),
    ],
)
def test_further_copies(pages, fee):
    assert copy_fee(paginas=pages, kopie_nummer=2, instellingen=TABLE) == fee
    assert copy_fee(paginas=pages, kopie_nummer=5, instellingen=TABLE) == fee


def test_the_table_is_a_school_setting():
    table = VerzoekInstellingen(
        prijs_per_pagina=Decimal("0.10"),
        maximum=Decimal("2.00"),
        drempel_paginas=50,
        maximum_boven_drempel=Decimal("5.00"),
    )
    assert copy_fee(paginas=10, kopie_nummer=2, instellingen=table) == Decimal("1.00")
    assert copy_fee(paginas=40, kopie_nummer=2, instellingen=table) == Decimal("2.00")
    assert copy_fee(paginas=51, kopie_nummer=2, instellingen=table) == Decimal("5.00")
