"""Every translatable string has a Dutch translation, and the catalogue compiles.

Runs makemessages for Dutch (source strings are English), then fails on any empty or fuzzy
entry, naming the string; finally compiles the catalogue.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def entries(text: str):
    for block in text.split("\n\n"):
        if "msgid" not in block:
            continue
        fuzzy = "#, fuzzy" in block or re.search(r"^#,.*fuzzy", block, re.M) is not None
        msgid = "".join(
            re.findall(r'^(?:msgid|msgid_plural)? ?"(.*)"$', block.split("msgstr")[0], re.M)
        )
        msgstrs = re.findall(r'^msgstr(?:\[\d\])? (".*"(?:\n".*")*)', block, re.M)
        values = ["".join(re.findall(r'"(.*)"', s)) for s in msgstrs]
        yield msgid, values, fuzzy


def main() -> int:
    os.chdir(ROOT)
    manage = [sys.executable, "manage.py"]
    ignore = ["--ignore", ".venv/*", "--ignore", "var/*", "--ignore", "tests/*"]
    subprocess.run(
        [*manage, "makemessages", "-l", "nl", "--no-location", "--no-obsolete", *ignore, "-v", "0"],
        check=True,
    )
    problems = []
    for msgid, values, fuzzy in entries(PO.read_text()):
        if not msgid:
            continue  # the header
        if fuzzy or not values or any(v == "" for v in values):
            problems.append(msgid)
    if problems:
        print(f"{len(problems)} string(s) without a Dutch translation in {PO.relative_to(ROOT)}:")
        for p in problems:
            print(f"  - {p}")
        return 1
    subprocess.run([*manage, "compilemessages", "-l", "nl", *ignore, "-v", "0"], check=True)
    print("All strings have a Dutch translation.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
