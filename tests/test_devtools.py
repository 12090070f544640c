"""The benchmark and load tooling stays out of the product (DESIGN.md §1).

The bench, the scale generator and the consent rush live in ``devtools/``, which settings installs
only with ``DEVTOOLS=true``. No product package imports them, so production runs without them.
"""

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("privacyschool", "leerlingen", "toestemming", "verzoeken", "delen")
TOOL_MODULES = {"devtools", "bench", "bench_compare", "bench_urls", "scale", "rush"}
TOOL_COMMANDS = {"bench", "bench_compare", "generate_scale", "consent_rush"}


def _product_files():
    for package in PRODUCT:
        yield from sorted((ROOT / package).rglob("*.py"))


def _imported_modules(tree: ast.AST):
    """Every module an import names, and each name a ``from`` import takes (it may be a module)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def test_no_product_package_imports_the_tools():
    found = []
    for path in _product_files():
        for module in _imported_modules(ast.parse(path.read_text(), filename=str(path))):
            if TOOL_MODULES & set(module.split(".")):
                found.append(f"{path.relative_to(ROOT)}: {module}")
    assert found == []


def test_no_tool_module_or_command_is_left_in_the_product():
    names = {path.stem for path in _product_files()} | {
        path.name for package in PRODUCT for path in (ROOT / package).rglob("*") if path.is_dir()
    }
    assert names & (TOOL_MODULES | TOOL_COMMANDS) == set()


def _commands(devtools: str) -> str:
    """The tool commands and whether the app is installed, in a fresh process with DEVTOOLS set."""
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings; from django.core.management import get_commands\n"
        f"tools = set(get_commands()) & set({sorted(TOOL_COMMANDS)!r})\n"
        "print(sorted(tools), 'devtools' in settings.INSTALLED_APPS)\n"
    )
    env = dict(os.environ, DEVTOOLS=devtools, DJANGO_SETTINGS_MODULE="privacyschool.settings")
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_the_tools_are_installed_only_when_asked():
    assert _commands("false") == "[] False"
    assert _commands("true") == f"{sorted(TOOL_COMMANDS)!r} True"
