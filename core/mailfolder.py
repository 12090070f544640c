"""The e-mail backend of the embedded demo and of development: nothing leaves the machine.

Each e-mail becomes one readable text file in ``file_path`` (``var/mail/`` by default): the
headers, then the body as written (no quoted-printable, so every link is whole), with its
attachments saved beside it. With ``echo`` it also prints one line per e-mail on the terminal:
the subject, the recipients, the links in the body and the file. Production sends through SMTP
(settings: ``EMAIL_BACKEND``); this backend is never meant for real people's e-mail.
"""

from __future__ import annotations

import itertools
import re
import sys
from datetime import datetime
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend
from django.utils.text import get_valid_filename, slugify

LINK = re.compile(r"https?://[^\s<>\"']+")
LINKS_SHOWN = 2
_counter = itertools.count(1)


def links_in(text: str) -> list[str]:
    """The distinct links of ``text`` in order, without trailing punctuation."""
    seen: dict[str, None] = {}
    for match in LINK.findall(text):
        seen.setdefault(match.rstrip(".,;:)!?"), None)
    return list(seen)


class FolderBackend(BaseEmailBackend):
    def __init__(self, *, file_path: str, echo: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.folder = Path(file_path).resolve()
        self.echo = echo

    def send_messages(self, email_messages) -> int:
        self.folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            path = self._write(message)
            if self.echo:
                self._echo(message, path)
        return len(email_messages)

    def _write(self, message) -> Path:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        stem = f"{stamp}-{next(_counter):03d}-{slugify(message.subject)[:40] or 'mail'}"
        path = self.folder / f"{stem}.txt"
        lines = [
            f"From: {message.from_email}",
            f"To: {', '.join(message.to)}",
        ]
        if message.cc:
            lines.append(f"Cc: {', '.join(message.cc)}")
        lines.append(f"Subject: {message.subject}")
        lines.append(f"Date: {datetime.now().astimezone().isoformat(timespec='seconds')}")
        for attachment in message.attachments:
            if not isinstance(attachment, tuple) or not attachment[0]:
                continue  # a MIME part made by hand: kept only in real mail
            name, content = attachment[0], attachment[1]
            target = self.folder / f"{stem}-{get_valid_filename(name)}"
            target.write_bytes(content if isinstance(content, bytes) else str(content).encode())
            lines.append(f"Attachment: {target.name}")
        path.write_text("\n".join(lines) + "\n\n" + message.body, encoding="utf-8")
        return path

    def _echo(self, message, path: Path) -> None:
        try:
            shown = path.relative_to(Path.cwd())
        except ValueError:
            shown = path
        links = " ".join(links_in(message.body)[:LINKS_SHOWN])
        parts = [f"mail to {', '.join(message.to)}: {message.subject}", links, f"({shown})"]
        sys.stdout.write("  ".join(p for p in parts if p) + "\n")
        sys.stdout.flush()
