"""The kernel holds one of each (issue 16): one CSV writer, one PDF helper with one @page base,
one paginator, one read-only admin mixin and one staff gate. A copy elsewhere fails here."""

import ast
import io
import re
from pathlib import Path

from django.urls import reverse

import pytest
from pypdf import PdfReader

from core.spreadsheet import csv_bytes, parse_csv, safe_cell

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = (
    "core",
    "leerlingen",
    "toestemming",
    "verzoeken",
    "delen",
    "datalekken",
    "sso",
    "trajecten",
    "privacyschool",
)


def _product_files():
    for package in PRODUCT:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _imports(path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names |= {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
    return names


# --- one CSV writer ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("|cmd", "'|cmd"),
        ("%0A", "'%0A"),
        ("=1+1", "'=1+1"),
        ("\t=1", "'\t=1"),
        ("ok", "ok"),
        (-3, -3),
    ],
)
def test_every_formula_start_is_neutralised(value, expected):
    assert safe_cell(value) == expected


def test_one_dialect_with_a_byte_order_mark_and_neutralised_header_and_cells():
    content = csv_bytes(["=kop", "b"], [["|cmd", "a;b"], ["%x", 7]])
    assert content.startswith("\ufeff".encode()) and b"\r\n" in content
    assert parse_csv(content) == (["'=kop", "b"], [["'|cmd", "a;b"], ["'%x", "7"]])


def test_only_the_kernel_writes_csv():
    writers = [
        str(path.relative_to(ROOT))
        for path in _product_files()
        if path.parts[-2:] != ("core", "spreadsheet.py")
        and ({"csv", "defusedcsv.csv"} & _imports(path))
        and re.search(r"\bcsv\.writer\(|\.writerow\(", path.read_text(encoding="utf-8"))
    ]
    assert writers == []


# --- one PDF helper, one @page base ----------------------------------------------------------------


def test_the_page_count_is_weasyprints_and_the_file_has_that_many_pages(settings):
    from core.pdf import render_pdf

    pdf, _html = render_pdf(
        "pdf/brieven.html",
        {
            "groep": {"naam": "Groep 5", "school": {"naam": "School"}},
            "brieven": [{"naam": f"Ouder {n}", "code": "ABCD-EFGH"} for n in range(3)],
        },
    )
    assert pdf.pages == len(PdfReader(io.BytesIO(pdf)).pages) >= 1


def test_every_pdf_template_extends_the_one_page_base():
    templates = sorted((ROOT / "templates" / "pdf").rglob("*.html"))
    with_page_rules = [
        str(t.relative_to(ROOT)) for t in templates if "@page" in t.read_text(encoding="utf-8")
    ]
    assert with_page_rules == ["templates/pdf/base.html"]
    for template in templates:
        text = template.read_text(encoding="utf-8")
        if "<html" in text or template.name.startswith("_"):
            assert template.name == "base.html" or template.name.startswith("_"), template
        else:
            assert text.startswith('{% extends "pdf/'), template


def test_no_pdf_is_read_back_to_count_its_pages():
    assert [
        str(p.relative_to(ROOT)) for p in _product_files() if "pypdf" in " ".join(_imports(p))
    ] == []


# --- one paginator, one read-only mixin, one staff gate ---------------------------------------------


def test_list_pages_use_the_one_paginator():
    copies = [
        str(p.relative_to(ROOT))
        for p in _product_files()
        if "django.core.paginator.Paginator" in _imports(p)
        and p.parts[-2:] != ("core", "pagination.py")
    ]
    assert copies == []


def test_no_admin_copies_the_read_only_mixin_or_the_staff_gate():
    for path in _product_files():
        if path.parts[-2] == "core":
            continue
        text = path.read_text(encoding="utf-8")
        assert "class ReadOnlyMixin" not in text, path
        assert "def staff_required" not in text, path
        assert "staff_member_required" not in text, path


@pytest.mark.django_db
def test_a_portal_account_gets_404_on_a_staff_page(client, world):
    """Not a redirect to the staff log-in: a staff page is as absent as a record out of reach."""
    client.force_login(world.users["ouder_gezag"])
    assert not world.users["ouder_gezag"].is_staff
    for url in (
        reverse("delen:index"),
        reverse("verzoeken:index"),
        reverse("privacyverklaring:index"),
    ):
        assert client.get(url).status_code == 404, url


@pytest.mark.django_db
def test_anonymous_is_sent_to_the_staff_log_in(client):
    response = client.get(reverse("delen:index"))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
