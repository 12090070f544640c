"""No English reaches a Dutch page: the reader behind ``test_demo``'s page sweep.

``scripts/check_translations.py`` proves that every *wrapped* string has a Dutch translation. It
cannot see a label defined as a plain string (``_(label)`` of a variable is not extracted), nor a
string translated at import time. So here each demo user clicks through the staff pages and the
portal in Dutch (the default language), one page of each kind, and each text on a page is
checked two ways:

* it is not an English msgid of the catalogue whose Dutch differs (a wrapped string that was
  not translated where it is shown);
* it is not English words only: words that occur in the catalogue's English msgids and in none
  of its Dutch translations (a string that never reached the catalogue);
* it holds no raw code: a value of a model field's choices shown instead of its label
  (``veilig_thuis``, ``ter_beoordeling``, ``po``).
"""

import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

from django.contrib.auth import get_user_model
from django.test import Client

PO = Path(__file__).resolve().parent.parent / "locale" / "nl" / "LC_MESSAGES" / "django.po"

# Texts that stay as they are in a Dutch page: the language switcher names each language in its
# own language, and names of products and standards.
KEEP = {
    "English",
    "Nederlands",
    "Django",
    "CSV",
    "PDF",
    "BSN",
    "AVG",
    "ID",
    "OK",
    "E-mail",
    "Excel",
}
# Django writes permission names into the database in English ("app | model | Can add model")
# and never translates them: the group and grant forms list them as they are.
PERMISSION = re.compile(r"^.+ \| .+ \| Can (add|change|delete|view) ")

# Pages one crawl opens per user (one of each kind: ids count as one); a guard, not a target.
MAX_PAGES = 250
# Not followed: leaving, language switching, files, and downloads (PDF, CSV: no HTML to read);
# and django-otp's device admin (the superuser's only): its field labels are the bare English
# field names, with no gettext to translate them.
SKIP = re.compile(
    r"/(logout|uitloggen|i18n|jsi18n|static|media)/|/(delete|verwijderen)/$"
    r"|pdf|csv|xlsx|export|download|bestand|brief|/document/|^/admin/otp_(static|totp)/"
)
ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")


def _unquote(s: str) -> str:
    return s.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def catalogue() -> list[tuple[str, str]]:
    """(msgid, msgstr) of every singular entry of the Dutch catalogue; the msgstr of a fuzzy
    entry is empty (Django does not use it: the page shows the English)."""
    pairs = []
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        if "msgid_plural" in block:
            continue
        m = re.search(r'^msgid ((?:".*"\n?)+)msgstr ((?:".*"\n?)+)', block, re.M)
        if not m:
            continue
        msgid, msgstr = ("".join(re.findall(r'"(.*)"', g)) for g in m.groups())
        if re.search(r"^#,.*\bfuzzy\b", block, re.M):
            msgstr = ""
        if msgid:
            pairs.append((_unquote(msgid), _unquote(msgstr)))
    return pairs


WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
CODE = re.compile(r"(?<![\w./-])[a-z][a-z0-9]*(?:_[a-z0-9]+)*(?![\w/-])")
# Short choice values that are also ordinary text (language codes, units, file formats, "ok").
NOT_CODES = {"en", "nl", "m", "o", "v", "dag", "ok", "csv", "pdf", "bsn", "ja", "nee", "open"}


def choice_codes() -> set[str]:
    """The values of every model field's choices that a page must show by their label: the
    snake_case ones (``veilig_thuis``) and the short abbreviations (``po``, ``jgz``)."""
    from django.apps import apps

    codes = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "flatchoices", None) or ():
                if isinstance(value, str) and (
                    ("_" in value and value.islower()) or (2 <= len(value) <= 3 and value.isalpha())
                ):
                    codes.add(value)
    return codes - NOT_CODES


def _words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(re.sub(r"%\(\w+\)[sd]|\{[^}]*\}|<[^>]*>", " ", text))]


class English:
    """What counts as English in a Dutch page, from the catalogue itself."""

    def __init__(self):
        pairs = catalogue()
        dutch_texts = {s.strip() for _i, s in pairs}
        # A msgid is shown as is when it has no placeholder; a translated one must differ from
        # its Dutch (an untranslated one is English on the page).
        self.msgids = {
            i.strip()
            for i, s in pairs
            if s.strip() != i.strip()
            and i.strip() not in dutch_texts
            and "%" not in i
            and "{" not in i
            and "\n" not in i
            and i.strip() not in KEEP
        }
        dutch_words = {w for _i, s in pairs for w in _words(s)}
        self.words = {w for i, _s in pairs for w in _words(i)} - dutch_words
        self.codes = choice_codes()

    def problem(self, text: str) -> str | None:
        text = " ".join(text.split())
        if not text or text in KEEP or PERMISSION.match(text):
            return None
        if text in self.msgids:
            return "an English msgid"
        if any(code in self.codes for code in CODE.findall(text)):
            return "a raw code"
        words = _words(text)
        if len(words) >= 2 and all(w in self.words for w in words):
            return "English words only"
        return None


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class Page(HTMLParser):
    """The texts and links of a page; text in an element marked as another language than Dutch
    (``lang="en"``: a school's English beside its Dutch in the admin) is no Dutch to check."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self._skip = 0
        self._open: list[tuple[str, bool]] = []  # open elements, and whether marked as foreign

    def _foreign(self) -> bool:
        return any(foreign for _tag, foreign in self._open)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = (attrs.get("lang") or "nl").split("-")[0]
        if tag not in VOID and tag != "html":
            self._open.append((tag, lang != "nl"))
        if lang != "nl" and tag in VOID:
            return
        if tag in ("script", "style", "code", "pre"):
            self._skip += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for name in ATTRIBUTES:
            if attrs.get(name):
                self.texts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.texts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code", "pre") and self._skip:
            self._skip -= 1
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] == tag:
                del self._open[i:]
                break

    def handle_data(self, data):
        if not self._skip and not self._foreign() and data.strip():
            self.texts.append(data)


def kind(path: str) -> str:
    """Pages that differ only in ids or in a query are one kind of page."""
    return re.sub(r"/\d+(?=/)", "/N", urlsplit(path).path)


def crawl(client: Client, start: list[str], english: English, seen: set[str]) -> tuple[dict, int]:
    """Read each kind of page not in ``seen`` once, following links from ``start``."""
    queue, found, opened, tried = deque(start), {}, 0, set()
    while queue and opened < MAX_PAGES:
        path = queue.popleft()
        if kind(path) in seen or kind(path) in tried:
            continue
        tried.add(kind(path))
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        seen.add(kind(path))
        opened += 1
        page = Page()
        page.feed(response.content.decode())
        for text in page.texts:
            if why := english.problem(text):
                found.setdefault(" ".join(text.split()), []).append((why, path))
        for href in page.links:
            href = urldefrag(href)[0]
            parts = urlsplit(href)
            if (
                parts.scheme
                or parts.netloc
                or not parts.path.startswith("/")
                or SKIP.search(parts.path)
            ):
                continue
            queue.append(href)
    return found, opened


def english_on_pages() -> tuple[dict[str, list[tuple[str, str, str]]], int]:
    """Each active user clicks through the pages it can reach, in Dutch (the default language).

    The superuser first: it reaches every staff page; each other user adds the pages only its
    role has (a kind of page is read once, for the first user that reaches it). Returns the
    English texts found, each with (user, why, page), and the number of pages read.
    """
    english = English()
    users = get_user_model().objects.filter(is_active=True).order_by("-is_superuser", "username")
    report: dict[str, list[tuple[str, str, str]]] = {}
    total, seen = 0, set()
    for user in users:
        client = Client()
        client.force_login(user)
        start = ["/admin/", "/"] if user.is_staff else ["/portaal/"]
        found, opened = crawl(client, start, english, seen)
        total += opened
        for text, where in found.items():
            report.setdefault(text, []).extend((user.username, *w) for w in where[:1])
    return report, total
