import socket

from django.db import connection

import pytest


def dead_port() -> int:
    with socket.socket() as s:  # a port on which nothing listens
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db
def test_health_reports_database_and_broker(client, settings):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "ok" if settings.REDIS_URL else "eager",
        "failed_jobs": 0,
    }


@pytest.mark.django_db
def test_health_counts_background_jobs_that_failed_for_good(client):
    """A monitor sees work that will not happen by waiting (a document that could not be made)."""
    from core.models import Opdracht

    Opdracht.objects.create(soort="verzoeken.documenten", status=Opdracht.Status.MISLUKT)
    Opdracht.objects.create(soort="verzoeken.documenten", status=Opdracht.Status.WACHT)
    response = client.get("/health/")
    assert response.status_code == 200 and response.json()["failed_jobs"] == 1


@pytest.mark.django_db
def test_broker_down_is_degraded_not_unhealthy(client, settings):
    """With Redis down the web still works (jobs wait in the outbox): a load balancer keeps it."""
    settings.REDIS_URL = f"redis://127.0.0.1:{dead_port()}/0"
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "broker": "degraded",
        "failed_jobs": 0,
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a database server to lose")
def test_database_down_is_unhealthy_but_the_process_lives(client):
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = str(dead_port())
    try:
        response = client.get("/health/")
        live = client.get("/health/live/")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable" and response.json()["status"] == "error"
    assert live.status_code == 200 and live.json() == {
        "status": "ok"
    }  # liveness: no restart for a lost database


def test_liveness_needs_neither_database_nor_broker(client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{dead_port()}/0"
    response = client.get("/health/live/")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
