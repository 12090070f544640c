"""Dependencies run one way (DESIGN.md §1, issue 16).

The project package and the kernel know nothing of the domain; the register (leerlingen)
knows only the kernel; the feature apps know the register and the kernel, never each other.
Feature apps plug into the register through registries filled in their AppConfig.ready().

Every import counts, also one inside a function, and also a module named as a literal
string to importlib.import_module() or __import__(): moving an import into a function or
a string does not change which way the dependency runs.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

KERNEL = {"core", "privacyschool"}
REGISTER = "leerlingen"
# Development tools may import anything; nothing in the product may import them.
DEV_ONLY = {"devtools"}
NOT_PRODUCT = DEV_ONLY | {"tests"}

# Every package of the project: a top-level directory with an __init__.py.
PROJECT_PACKAGES = {p.parent.name for p in ROOT.glob("*/__init__.py")}
# Every other package is a feature app: toestemming, verzoeken, delen, and each app added later.
FEATURES = PROJECT_PACKAGES - KERNEL - {REGISTER} - NOT_PRODUCT

ALLOWED = {
    "privacyschool": KERNEL,
    "core": KERNEL,
    REGISTER: KERNEL | {REGISTER},
    **{app: KERNEL | {REGISTER, app} for app in sorted(FEATURES)},
}


def _python_files(package):
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "migrations" in parts or "tests" in parts or path.name.startswith("test_"):
            continue
        yield path


def _literal_module(call):
    """The module a call to import_module()/__import__() names as a literal, else None."""
    func = call.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    if name not in {"import_module", "__import__"} or not call.args:
        return None
    first = call.args[0]
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value
    return None


def imported_modules(path):
    """(line, module) for every absolute import in the file, at any depth."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module:
                yield node.lineno, node.module
        elif isinstance(node, ast.Call):
            module = _literal_module(node)
            if module:
                yield node.lineno, module


def wrong_way_imports():
    found = []
    for package, allowed in ALLOWED.items():
        for path in _python_files(package):
            for line, module in sorted(imported_modules(path)):
                top = module.split(".")[0]
                if top in PROJECT_PACKAGES and top not in allowed:
                    found.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return found


def test_dependencies_run_one_way():
    found = wrong_way_imports()
    assert not found, "imports that run the wrong way:\n" + "\n".join(found)


def test_the_check_sees_function_level_and_string_imports(tmp_path):
    """The walker is not blind to the ways an import can hide."""
    source = tmp_path / "m.py"
    source.write_text(
        "import os\n"
        "def f():\n"
        "    from delen.views import x\n"
        "    import verzoeken.rules\n"
        "    return __import__('toestemming.rules', fromlist=['y'])\n"
        "def g():\n"
        "    from importlib import import_module\n"
        "    return import_module('devtools.bench')\n"
        "from . import sibling\n",
        encoding="utf-8",
    )
    assert sorted(imported_modules(source)) == [
        (1, "os"),
        (3, "delen.views"),
        (4, "verzoeken.rules"),
        (5, "toestemming.rules"),
        (7, "importlib"),
        (8, "devtools.bench"),
    ]


def test_every_package_is_walked():
    """A renamed or moved package must not silently drop out of the check."""
    assert {"toestemming", "verzoeken", "delen"} <= FEATURES
    for package in ALLOWED:
        assert any(True for _ in _python_files(package)), package
