"""The embedded demo's e-mail backend (core/mailfolder.py): every e-mail a readable file with whole
links, its attachments beside it, and one line on the terminal with the subject and the link."""

from core.outbox import send_email

LINK = "http://127.0.0.1:8123/portaal/inloggen/link/" + "a" * 60 + "/"


def _folder(settings, path, *, echo):
    settings.MAILERS = {
        "default": {
            "BACKEND": "core.mailfolder.FolderBackend",
            "OPTIONS": {"file_path": str(path), "echo": echo},
        }
    }


def test_each_email_is_a_readable_file_and_one_line_with_its_link(settings, tmp_path, capsys):
    _folder(settings, tmp_path, echo=True)
    send_email(
        "ouder@example.test",
        "Uw inloglink voor het ouderportaal",
        f"Beste ouder,\n\nKlik op deze link om in te loggen:\n{LINK}\n\nDe link werkt één keer.\n",
        attachments=[("brief.pdf", b"%PDF-1.7 test", "application/pdf")],
    )
    [mail] = tmp_path.glob("*.txt")
    text = mail.read_text(encoding="utf-8")
    assert "Subject: Uw inloglink voor het ouderportaal" in text
    assert LINK in text  # whole: no quoted-printable line breaks inside the link
    assert "één keer" in text
    [pdf] = tmp_path.glob("*brief.pdf")
    assert pdf.read_bytes() == b"%PDF-1.7 test"
    assert f"Attachment: {pdf.name}" in text
    [line] = capsys.readouterr().out.splitlines()
    assert "Uw inloglink voor het ouderportaal" in line and LINK in line and mail.name in line


def test_without_echo_the_terminal_stays_quiet(settings, tmp_path, capsys):
    _folder(settings, tmp_path, echo=False)
    send_email(["a@example.test", "b@example.test"], "Onderwerp", "Geen link.\n")
    assert len(list(tmp_path.glob("*.txt"))) == 1
    assert capsys.readouterr().out == ""
