"""The PDF helper fetches local files and data: URLs only (core/pdf.py), with the URL fetcher of the
WeasyPrint we pin: a remote address in a document is refused and the document still renders,
a local stylesheet is read."""

import base64
import socket
import threading

from core.pdf import pdf_from_html


def _png() -> str:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (4, 4), "#0b4f8a").save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode()


def test_a_remote_address_is_refused_and_the_document_still_renders(caplog):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    connected = []

    def accept():
        try:
            conn, _addr = listener.accept()
            connected.append(True)
            conn.close()
        except OSError:
            pass

    waiter = threading.Thread(target=accept)
    waiter.start()
    html = (
        '<html lang="nl"><head><title>t</title></head><body><p>Tekst</p>'
        f'<img src="http://127.0.0.1:{port}/logo.png" alt="logo"></body></html>'
    )
    with caplog.at_level("WARNING", logger="weasyprint"):
        pdf = pdf_from_html(html)
    waiter.join()
    listener.close()
    assert pdf.startswith(b"%PDF") and pdf.pages == 1
    assert connected == []  # nothing was asked of the network
    assert any("disallowed protocol" in r.getMessage() for r in caplog.records)


def test_data_urls_and_local_files_are_read(caplog):
    html = (
        '<html lang="nl"><head><title>t</title><link rel="stylesheet" href="css/site.css">'
        f'</head><body><img src="data:image/png;base64,{_png()}" alt="punt"></body></html>'
    )
    with caplog.at_level("WARNING", logger="weasyprint"):
        pdf = pdf_from_html(html)
    assert pdf.startswith(b"%PDF") and b"/Subtype /Image" in pdf
    assert not [r for r in caplog.records if "load" in r.getMessage().lower()]
