"""Run inside `manage.py shell` on the embedded default with the demo loaded: the pages and
downloads a teacher, a director, a parent and a pupil use every day answer on SQLite as they do on
PostgreSQL (SQL written for PostgreSQL alone broke the teacher's photo-list PDF here once). Prints
one JSON line for the test to read: each URL with its status and, for a PDF, whether it is one."""

import json

from django.contrib.auth.models import User
from django.test import Client

from leerlingen.access import groep_ids
from leerlingen.models import Leerling
from toestemming.models import Doel


def client_of(username):
    client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
    client.force_login(User.objects.get(username=username))
    return client


results = {}


def visit(username, url, method="get", data=None):
    response = getattr(client_of(username), method)(url, data or {}, secure=True)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    results[f"{len(results) + 1:02d} {username} {method.upper()} {url}"] = {
        "status": response.status_code,
        "pdf": body.startswith(b"%PDF"),
    }


teacher = User.objects.get(username="leerkracht")
groep = sorted(groep_ids(teacher))[0]
for url in ("/", "/staf/toestemming/", f"/staf/toestemming/groep/{groep}/"):
    visit("leerkracht", url)
visit("leerkracht", f"/staf/toestemming/groep/{groep}/fotolijst.pdf")
visit("leerkracht", f"/staf/toestemming/groep/{groep}/fotolijst.pdf")  # the stored one
visit("leerkracht", f"/staf/toestemming/groep/{groep}/brieven.pdf", "post")
for url in ("/staf/verzoeken/", "/staf/privacyverklaring/", "/delen/", "/admin/"):
    visit("directeur", url)

ouder = User.objects.get(username="ouder")
child = Leerling.objects.filter(relaties__ouder__account=ouder).order_by("pk").first()
doel = Doel.objects.filter(school=child.school).order_by("pk").first()
for url in ("/portaal/", f"/portaal/kind/{child.pk}/", f"/portaal/kind/{child.pk}/geschiedenis/"):
    visit("ouder", url)
visit("ouder", f"/portaal/kind/{child.pk}/doel/{doel.pk}/", "post", {"antwoord": "nee"})
visit("ouder", f"/portaal/kind/{child.pk}/doel/{doel.pk}/", "post", {"antwoord": "ja"})
print(json.dumps(results))
