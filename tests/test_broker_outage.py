"""A broker outage loses nothing: jobs are rows first; with Redis down the web keeps working,
and when Redis returns every job runs exactly once."""

import email
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from django.core import mail
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

import pytest

from core import outbox
from core.models import Opdracht
from privacyschool.celery import app as celery_app

from .drain import drain
from .leerlingen.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server not installed"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_redis(port: int, tmp_path) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("redis-server did not start")


@pytest.fixture
def own_broker(tmp_path, settings):
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    old = {
        "broker_url": celery_app.conf.broker_url,
        "task_always_eager": celery_app.conf.task_always_eager,
    }
    celery_app.conf.update(broker_url=url, task_always_eager=False)
    reset_connections()
    yield url, port
    celery_app.conf.update(**old)
    reset_connections()


def reset_connections():
    """Forget pooled connections, so messages go to the broker now configured."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def start_worker(url: str, mail_dir: Path, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "REDIS_URL": url,
        "DATABASE_URL": os.environ["DATABASE_URL"].rsplit("/", 1)[0]
        + "/"
        + connection.settings_dict["NAME"],
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "privacyschool",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )


def read_mails(mail_dir: Path) -> list:
    """The messages Django's file backend wrote (it separates them by a line of dashes)."""
    text = "".join(path.read_text() for path in sorted(mail_dir.iterdir()))
    messages = [
        email.message_from_string(part.strip()) for part in text.split("-" * 79) if part.strip()
    ]
    return messages


def recover_and_work_off(port, url, tmp_path, *, pending: int):
    """Start Redis again, send every pending job twice and let a real worker handle them all.

    Returns the worker's mail folder and the drain job sent behind every earlier message."""
    redis = start_redis(port, tmp_path)  # the broker is back
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    try:
        assert outbox.dispatch_pending(older_than=timedelta(0)) == pending
        assert outbox.dispatch_pending(older_than=timedelta(0)) == pending  # sent twice
        worker = start_worker(url, mail_dir, tmp_path / "worker.log")
        try:
            last = drain()  # every message, the duplicates too, has been handled
        finally:
            worker.terminate()
            worker.wait(timeout=20)
    finally:
        redis.terminate()
        redis.wait(timeout=10)
    return mail_dir, last


def test_jobs_survive_a_broker_outage_and_run_exactly_once(own_broker, tmp_path):
    from leerlingen.mfa.tasks import RESET_NOTICE

    url, port = own_broker
    users = [UserFactory(username=f"ouder{n}") for n in range(5)]
    redis = start_redis(port, tmp_path)
    redis.terminate()
    redis.wait(timeout=10)  # the broker is down

    started = time.monotonic()
    for user in users:
        with transaction.atomic():
            outbox.notify(RESET_NOTICE, once=False, user_id=user.pk, role="beheerder")
    assert time.monotonic() - started < 30  # the web kept answering (publishing does not hang)
    assert Opdracht.objects.filter(status=Opdracht.Status.WACHT).count() == 5

    mail_dir, last = recover_and_work_off(port, url, tmp_path, pending=5)

    jobs = list(Opdracht.objects.exclude(pk=last.pk).order_by("pk"))
    assert [j.status for j in jobs] == [Opdracht.Status.KLAAR] * 5
    assert [j.pogingen for j in jobs] == [1] * 5  # each ran once, though sent twice
    # Django's file backend may append two messages to one file: count the messages themselves.
    mails = read_mails(mail_dir)
    subject, _body = outbox.render_email("mfa/email/reset", {"role": ""})
    assert sorted(m["To"] for m in mails) == [
        f"ouder{n}@example.test" for n in range(5)
    ]  # none lost or doubled
    assert {" ".join(m["Subject"].split()) for m in mails} == {" ".join(subject.split())}


@pytest.mark.skipif("not os.environ.get('DATABASE_URL')")
def test_enqueue_is_idempotent_per_key(settings):
    with transaction.atomic():
        a = outbox.notify("toestemming.herinnering", herinnering_id=1)
        b = outbox.notify("toestemming.herinnering", herinnering_id=1)
    assert a.pk == b.pk


def test_reminder_and_login_link_wait_out_a_broker_outage_and_arrive_once(
    own_broker, tmp_path, world, settings
):
    """The real pages with Redis down: no 500, the e-mails are rows; Redis back: each arrives once."""
    from toestemming.models import Herinnering, Inloglink
    from toestemming.services import ensure_default_doelen, publish_form

    url, port = own_broker
    if "RedisCache" in settings.CACHES["default"]["BACKEND"]:  # the cache's Redis is down too
        settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": url}}
    school, ouder = world.schools["a1"], world.ouders["gezag"]
    ensure_default_doelen(school=school)
    publish_form(school=school)
    redis = start_redis(port, tmp_path)
    redis.terminate()
    redis.wait(timeout=10)  # the broker is down

    staff = Client(raise_request_exception=False)
    staff.force_login(world.users["leerkracht"])
    reminder = staff.post(
        reverse("toestemming_staf:herinnering", args=[world.groepen["g5"].pk]), {"bevestigd": "ja"}
    )
    assert reminder.status_code == 302, reminder.status_code
    parent = Client(raise_request_exception=False)
    link = parent.post(reverse("portaal:login"), {"methode": "email", "email": ouder.email})
    assert link.status_code == 302, link.status_code

    assert Herinnering.objects.filter(ouder=ouder, verzonden_op__isnull=True).count() == 1
    assert Inloglink.objects.filter(ouder=ouder, verzonden_op__isnull=True).count() == 1
    jobs = list(Opdracht.objects.filter(status=Opdracht.Status.WACHT))
    assert len(jobs) == 2
    stored = repr([(j.soort, j.argumenten, j.sleutel) for j in jobs])
    assert ouder.email not in stored and ouder.achternaam not in stored  # ids only
    assert not mail.outbox  # nothing sent yet

    mail_dir, last = recover_and_work_off(port, url, tmp_path, pending=2)

    jobs = Opdracht.objects.exclude(pk=last.pk).order_by("pk")
    assert [(j.status, j.pogingen) for j in jobs] == [(Opdracht.Status.KLAAR, 1)] * 2, (
        tmp_path / "worker.log"
    ).read_text()[-2000:]
    messages = read_mails(mail_dir)
    assert [m["To"] for m in messages] == [
        ouder.email,
        ouder.email,
    ]  # the reminder and the log-in link, each once
    bodies = "".join(m.get_payload(decode=True).decode() for m in messages)
    assert len(re.findall(r"/portaal/inloggen/link/\S+/", bodies)) == 1
    assert Herinnering.objects.get(ouder=ouder).verzonden_op is not None
    assert Inloglink.objects.get(ouder=ouder).verzonden_op is not None
    token_path = re.search(r"/portaal/inloggen/link/\S+/", bodies).group(0)
    assert token_path.rsplit("/", 2)[-2] not in repr(
        list(Opdracht.objects.values_list("argumenten", flat=True))
    )
    assert parent.post(token_path)["Location"] == "/portaal/"  # the link the handler made logs in
