"""Issue 21: no PDF is rendered inside a POST a person waits on. The handler's submit and the
director's approval store the decision and leave the export and the letter to an outbox job; the
request page says the document is being prepared; the answer waits for the documents."""

import pytest

from core import pdf as core_pdf
from core.models import Opdracht
from verzoeken import services
from verzoeken.models import Document, IdDocument, Status
from verzoeken.tasks import DOCUMENTS, make_documents

from .factories import work_off_documents

pytestmark = pytest.mark.django_db
PENDING = "The document is being prepared"


@pytest.fixture
def renders(monkeypatch):
    """Every WeasyPrint render in this process (all PDFs go through ``core.pdf.render_pdf``)."""
    calls: list[str] = []
    real = core_pdf.render_pdf

    def counting(template_name, *args, **kwargs):
        calls.append(template_name)
        return real(template_name, *args, **kwargs)

    monkeypatch.setattr(core_pdf, "render_pdf", counting)
    return calls


def _submitted(client, world, inzage):
    admin = world.users["administratie"]
    services.record_identity(verzoek=inzage, document_soort=IdDocument.PASPOORT, user=admin)
    client.force_login(admin)
    response = client.post(
        f"/staf/verzoeken/{inzage.pk}/voorleggen/",
        {"uitkomst": "toegewezen", "motivering": "Alles"},
    )
    assert response.status_code == 302
    inzage.refresh_from_db()
    assert inzage.status == Status.TER_BEOORDELING


def test_submit_leaves_the_preview_to_the_job_and_approval_waits_for_it(
    client, world, inzage, renders
):
    _submitted(client, world, inzage)
    assert renders == [] and not inzage.documenten.exists()
    client.force_login(world.users["directeur"])
    review = client.get(f"/staf/verzoeken/{inzage.pk}/beoordeling/").content.decode()
    assert PENDING in review
    response = client.post(
        f"/staf/verzoeken/{inzage.pk}/beoordeling/",
        {"uitkomst": "toegewezen", "motivering": "Alles"},
    )
    assert "Rule “access export”" in response.content.decode()  # refused, with the rule
    inzage.refresh_from_db()
    assert inzage.status == Status.TER_BEOORDELING

    assert work_off_documents() == ["done"]
    assert renders == ["pdf/inzage.html"]
    preview = inzage.documenten.get()
    assert preview.soort == Document.Soort.AFSCHRIFT_PDF and not preview.definitief
    review = client.get(f"/staf/verzoeken/{inzage.pk}/beoordeling/").content.decode()
    assert PENDING not in review


def test_approval_renders_nothing_and_the_answer_waits_for_the_documents(
    client, world, inzage, renders
):
    _submitted(client, world, inzage)
    work_off_documents()
    renders.clear()
    directeur = world.users["directeur"]
    client.force_login(directeur)
    response = client.post(
        f"/staf/verzoeken/{inzage.pk}/beoordeling/",
        {"uitkomst": "toegewezen", "motivering": "Alles"},
    )
    assert response.status_code == 302
    inzage.refresh_from_db()
    assert inzage.status == Status.BESLOTEN
    assert renders == []  # no WeasyPrint inside the POST
    assert not inzage.documenten.filter(definitief=True).exists()
    job = Opdracht.objects.get(soort=DOCUMENTS, argumenten__stap="besluit")
    assert job.argumenten == {"verzoek_id": inzage.pk, "stap": "besluit", "user_id": directeur.pk}

    page = client.get(f"/staf/verzoeken/{inzage.pk}/").content.decode()
    assert PENDING in page and 'id="answer-form"' not in page
    response = client.post(
        f"/staf/verzoeken/{inzage.pk}/beantwoorden/", {"bevestigd": "ja"}, follow=True
    )
    assert "Rule “documents first”" in response.content.decode()
    inzage.refresh_from_db()
    assert inzage.status == Status.BESLOTEN and inzage.beantwoord_op is None

    assert work_off_documents() == ["done"]
    assert sorted(renders) == ["pdf/besluit.html", "pdf/inzage.html"]
    make_documents(verzoek_id=inzage.pk, stap="besluit", user_id=directeur.pk)  # run twice
    assert sorted(renders) == ["pdf/besluit.html", "pdf/inzage.html"]  # nothing made again
    final = inzage.documenten.filter(definitief=True)
    assert sorted(final.values_list("soort", flat=True)) == ["afschrift_pdf", "besluit"]
    assert not inzage.documenten.filter(definitief=False).exists()  # the preview was replaced
    letter = final.get(soort="besluit")
    assert letter.aangemaakt_door == directeur and letter.paginas >= 1
    assert final.get(soort="afschrift_pdf").content().startswith(b"%PDF")

    page = client.get(f"/staf/verzoeken/{inzage.pk}/").content.decode()
    assert PENDING not in page and 'id="answer-form"' in page
    assert f"/staf/verzoeken/{inzage.pk}/document/{letter.pk}/" in page
    client.post(f"/staf/verzoeken/{inzage.pk}/beantwoorden/", {"bevestigd": "ja"})
    inzage.refresh_from_db()
    assert inzage.status == Status.AFGEHANDELD

    client.force_login(world.users["ouder_gezag"])
    export = final.get(soort="afschrift_pdf")
    response = client.get(f"/portaal/verzoeken/{inzage.pk}/document/{export.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content if response.streaming else [response.content])[
        :4
    ] == (b"%PDF")


def test_a_refusal_gets_its_letter_from_the_job_too(client, world, inzage, renders):
    admin, directeur = world.users["administratie"], world.users["directeur"]
    services.submit(verzoek=inzage, uitkomst="afgewezen", motivering="Geen gezag", user=admin)
    assert work_off_documents() == []  # a refusal has no export to preview
    client.force_login(directeur)
    client.post(
        f"/staf/verzoeken/{inzage.pk}/beoordeling/",
        {"uitkomst": "afgewezen", "motivering": "Geen gezag"},
    )
    assert renders == [] and not inzage.documenten.exists()
    assert work_off_documents() == ["done"]
    assert list(inzage.documenten.values_list("soort", flat=True)) == ["besluit"]
    services.answer(verzoek=inzage, user=directeur)
    inzage.refresh_from_db()
    assert inzage.status == Status.AFGEHANDELD


def _fail_for_good(job: Opdracht) -> None:
    """Run the job as the worker would until ``MAX_ATTEMPTS``, each time after its back-off."""
    from django.utils import timezone

    from core import outbox

    job.refresh_from_db()
    for _n in range(outbox.MAX_ATTEMPTS - job.pogingen):
        Opdracht.objects.filter(pk=job.pk).update(niet_voor=timezone.now())
        assert outbox.run(job.pk) == "failed"
    job.refresh_from_db()
    assert job.status == Opdracht.Status.MISLUKT and job.laatste_fout == "RuntimeError"


def test_a_document_job_that_fails_for_good_is_said_and_started_again(
    client, world, inzage, monkeypatch
):
    """A letter that cannot be made does not stay "being prepared" for ever: the director's page
    says it could not be made, the health check counts the job, and the application administrator
    starts it again from the admin once the cause is gone; then the answer can go out."""
    from verzoeken.services import documents

    _submitted(client, world, inzage)
    work_off_documents()
    directeur = world.users["directeur"]
    client.force_login(directeur)
    client.cookies["django_language"] = "en"
    client.post(
        f"/staf/verzoeken/{inzage.pk}/beoordeling/",
        {"uitkomst": "toegewezen", "motivering": "Alles"},
    )
    job = Opdracht.objects.get(soort=DOCUMENTS, argumenten__stap="besluit")
    real = documents.make_besluit

    def broken(**kwargs):
        raise RuntimeError("the letter's template is broken")

    monkeypatch.setattr(documents, "make_besluit", broken)
    assert work_off_documents() == ["failed"]
    page = client.get(f"/staf/verzoeken/{inzage.pk}/").content.decode()
    assert PENDING in page and "could not be made" not in page  # still retried: wait
    _fail_for_good(job)
    page = client.get(f"/staf/verzoeken/{inzage.pk}/").content.decode()
    assert 'id="documents-failed"' in page and "could not be made" in page
    assert PENDING not in page and 'id="answer-form"' not in page
    assert client.get("/health/").json()["failed_jobs"] == 1

    # The background jobs are the application administrator's alone.
    changelist = "/admin/privacyschool/opdracht/"  # the core app's label
    assert client.get(changelist).status_code == 404
    monkeypatch.setattr(documents, "make_besluit", real)  # the cause is fixed
    beheerder = world.users["beheerder"]
    client.force_login(beheerder)
    client.cookies["django_language"] = "en"
    listing = client.get(changelist + "?status__exact=mislukt")
    assert listing.status_code == 200 and "verzoeken.documenten" in listing.content.decode()
    response = client.post(
        changelist, {"action": "start_again", "_selected_action": [job.pk]}, follow=True
    )
    assert "1 failed job is started again." in response.content.decode()
    job.refresh_from_db()
    assert job.status == Opdracht.Status.WACHT and job.pogingen == 0
    assert work_off_documents() == ["done"]
    assert inzage.documenten.filter(definitief=True, soort="besluit").exists()

    client.force_login(directeur)
    page = client.get(f"/staf/verzoeken/{inzage.pk}/").content.decode()
    assert "could not be made" not in page and 'id="answer-form"' in page
    assert client.get("/health/").json()["failed_jobs"] == 0
