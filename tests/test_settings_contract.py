"""The settings contract: `.env.example` lists every setting the code reads, and nothing else.

An operator configures the product from `.env.example` alone; a setting read in settings.py but
missing there is a setting nobody knows to set. Code reads a setting as ``settings.NAME``: a
``getattr(settings, "NAME", default)`` repeats the default in a second place, where it drifts.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = (
    "privacyschool",
    "leerlingen",
    "toestemming",
    "verzoeken",
    "delen",
    "devtools",
    "trajecten",
)
READ = re.compile(r"""\benv(?:_secret|\.\w+)?\(\s*f?["']([A-Z][A-Z0-9_]*)["']""")


def read_in_settings() -> set[str]:
    return set(READ.findall((ROOT / "privacyschool" / "settings.py").read_text()))


def listed_in_example() -> set[str]:
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, re.M))


def test_every_setting_read_is_listed_in_env_example():
    missing = read_in_settings() - listed_in_example()
    assert not missing, f"read in settings.py but not listed in .env.example: {sorted(missing)}"


def test_env_example_lists_nothing_the_deployment_does_not_read():
    compose = (ROOT / "docker-compose.yml").read_text() + (ROOT / "Caddyfile").read_text()
    unread = {name for name in listed_in_example() - read_in_settings() if name not in compose}
    assert not unread, f"listed in .env.example but read by nothing: {sorted(unread)}"


def _getattr_with_default(path: Path):
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "getattr"
            and len(node.args) == 3
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id == "settings"
        ):
            yield f"{path.relative_to(ROOT)}:{node.lineno}"


def test_no_setting_is_read_with_a_second_default():
    found = [
        hit
        for package in PRODUCT
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
        for hit in _getattr_with_default(path)
    ]
    assert not found, f"read settings.NAME directly (the default lives in settings.py): {found}"
