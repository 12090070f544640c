import socket

import pytest


@pytest.mark.django_db
def test_health_reports_database_and_broker(client, settings):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok" if settings.REDIS_URL else "eager"}


@pytest.mark.django_db
def test_health_reports_unreachable_broker(client, settings):
    with socket.socket() as s:  # a port on which nothing listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["broker"] == "unreachable"
