"""A processor is named by its product with the company once: "Basispoort (Stichting
Basispoort)", never the company's name doubled into the product's (a browser walk found
"Basispoort (Basispoort (Stichting Basispoort))" in the demo)."""

import pytest

from delen.demo import SYSTEMS_PO, SYSTEMS_VO
from delen.models import Verwerker


@pytest.mark.parametrize(
    ("product", "naam", "shown"),
    [
        ("Basispoort", "Stichting Basispoort", "Basispoort (Stichting Basispoort)"),
        ("ParnasSys", "Topicus", "ParnasSys (Topicus)"),
        ("Eduscope", "Eduscope", "Eduscope"),  # the company is the product: once
        ("Eduscope", "", "Eduscope"),
    ],
)
def test_product_with_the_company_once(product, naam, shown):
    assert str(Verwerker(product=product, naam=naam)) == shown


@pytest.mark.parametrize("system", SYSTEMS_PO + SYSTEMS_VO, ids=lambda s: s[0])
def test_demo_processors_are_named_by_their_company_alone(system):
    product, naam = system[0], system[1]
    assert "(" not in naam, f"{product}: the company {naam!r} carries a product in brackets"
