from datetime import timedelta

from django.utils import timezone

import pytest


@pytest.fixture(autouse=True)
def _english_interface(client):
    from django.utils import translation

    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def run_jobs(kind: str, *, due_only: bool = False) -> list[str]:
    """Run the pending outbox jobs of ``kind`` in-process (as the worker would), oldest first; with
    ``due_only`` only those whose time has come, else each as if its time had come."""
    from core import outbox
    from core.models import Opdracht

    jobs = Opdracht.objects.filter(soort=kind, status=Opdracht.Status.WACHT).order_by(
        "niet_voor", "pk"
    )
    if due_only:
        jobs = jobs.filter(niet_voor__lte=timezone.now())
    results = []
    for pk in list(jobs.values_list("pk", flat=True)):
        Opdracht.objects.filter(pk=pk).update(niet_voor=timezone.now() - timedelta(seconds=1))
        results.append(outbox.run(pk))
    return results
