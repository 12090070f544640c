"""Durable background work: ``enqueue`` writes a row, then sends the Celery message on commit.

Handlers are plain functions registered by name with ``@handler("kind")`` in an app's
``tasks.py`` (imported by the worker). They receive the row's arguments (ids, never personal
data or secrets), must be idempotent, and run inside the transaction that marks the row done.
A long job that commits its own steps (a destruction list) registers with
``own_transactions=True``: its row is claimed for ``LEASE``, the handler runs outside that
transaction, and the row is marked done afterwards; such a handler must be safe to run twice,
even at once (a killed worker's job is sent again when the lease ends).
"""

import logging
import re
from collections.abc import Callable, Iterable
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Opdracht

logger = logging.getLogger("core.outbox")
HANDLERS: dict[str, Callable] = {}
OWN_TRANSACTIONS: set[str] = set()
MAX_ATTEMPTS = 5
LEASE = timedelta(minutes=30)


def handler(kind: str, *, own_transactions: bool = False):
    def register(func: Callable) -> Callable:
        HANDLERS[kind] = func
        if own_transactions:
            OWN_TRANSACTIONS.add(kind)
        return func

    return register


def enqueue(kind: str, *, key: str | None = None, not_before=None, **arguments) -> Opdracht:
    """Record the work; send it to the broker once the surrounding transaction commits."""
    values = {"soort": kind, "argumenten": arguments, "niet_voor": not_before or timezone.now()}
    if key is None:
        opdracht = Opdracht.objects.create(**values)
    else:
        try:
            with transaction.atomic():
                opdracht, _ = Opdracht.objects.get_or_create(sleutel=key, defaults=values)
        except IntegrityError:  # enqueued concurrently by another process
            opdracht = Opdracht.objects.get(sleutel=key)
    if opdracht.status == Opdracht.Status.WACHT and opdracht.niet_voor <= timezone.now():
        transaction.on_commit(lambda: send(opdracht.pk))
    return opdracht


# --- notifications: the one road for product e-mail ---------------------------------------------

CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")  # a role or kind code, never a name or an address


def notify(kind: str, *, once: bool = True, **ids: int | str) -> Opdracht:
    """Enqueue the e-mail ``kind`` about the rows named by ``ids``; its handler reads the rows and
    the addresses when it sends, so the outbox row holds ids (and codes such as a role), never an
    address, a name, a text or a token. ``once``: one job per kind and ids, however often asked."""
    for name, value in ids.items():
        if not (isinstance(value, int) and not isinstance(value, bool)) and not (
            isinstance(value, str) and CODE.fullmatch(value)
        ):
            kind_of = type(value).__name__
            raise TypeError(f"A notification takes ids and codes only, not {name}={kind_of}.")
    key = ":".join([kind, *(str(v) for v in ids.values())]) if once else None
    return enqueue(kind, key=key, **ids)


def render_email(template: str, context: dict) -> tuple[str, str]:
    """Subject (``<template>_subject.txt``) and body (``<template>.txt``), school language."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}.txt", context)
    return subject, body


def send_email(
    to: str | Iterable[str],
    subject: str,
    body: str,
    *,
    attachments: Iterable[tuple[str, bytes, str]] = (),
) -> None:
    """The one sender of product e-mail, called by a notification's handler inside its job.
    ``attachments``: (file name, content, MIME type), made by the handler when it sends."""
    recipients = [to] if isinstance(to, str) else list(to)
    if not recipients:
        return
    files = list(attachments)
    if not files:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
        return
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    for name, content, mimetype in files:
        message.attach(name, content, mimetype)
    message.send()


def send(pk: int) -> bool:
    """Hand a pending job to the broker. With the broker down, the job waits for the dispatcher."""
    from .tasks import run_opdracht

    try:
        run_opdracht.apply_async((pk,), retry=False)
    except Exception as exc:  # noqa: BLE001 - any broker failure: the row stays pending
        logger.warning("broker unreachable, job %s stays pending (%s)", pk, type(exc).__name__)
        return False
    return True


def run(pk: int) -> str:
    """Run one job exactly once: lock its row, skip it if done or taken, mark it done."""
    with transaction.atomic():
        opdracht = (
            Opdracht.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, status=Opdracht.Status.WACHT, niet_voor__lte=timezone.now())
            .first()
        )
        if opdracht is None:
            return "skipped"
        func = HANDLERS.get(opdracht.soort)
        if func is None:
            raise LookupError(f"No handler for background job kind {opdracht.soort!r}.")
        opdracht.pogingen += 1
        if opdracht.soort in OWN_TRANSACTIONS:
            opdracht.niet_voor = timezone.now() + LEASE  # claimed: another message skips it
            opdracht.save(update_fields=["pogingen", "niet_voor"])
        else:
            try:
                with transaction.atomic():
                    func(**opdracht.argumenten)
            except Exception as exc:
                return _failed(opdracht, exc)
            return _done(opdracht)
    try:
        func(**opdracht.argumenten)
    except Exception as exc:
        return _failed(opdracht, exc)
    return _done(opdracht)


def _failed(opdracht: Opdracht, exc: Exception) -> str:
    opdracht.laatste_fout = f"{type(exc).__name__}"[:300]
    if opdracht.pogingen >= MAX_ATTEMPTS:
        opdracht.status = Opdracht.Status.MISLUKT
    else:
        opdracht.niet_voor = timezone.now() + timedelta(minutes=2**opdracht.pogingen)
    opdracht.save()
    logger.exception("background job %s (%s) failed", opdracht.pk, opdracht.soort)
    return "failed"


def _done(opdracht: Opdracht) -> str:
    opdracht.status = Opdracht.Status.KLAAR
    opdracht.uitgevoerd_op = timezone.now()
    opdracht.save()
    return "done"


def failed_among(kind: str, field: str, values: Iterable) -> set:
    """The ``values`` of the argument ``field`` whose last job of ``kind`` failed for good
    (``MAX_ATTEMPTS`` tried): the work will not appear by waiting, someone must start it again
    (``retry``). One query; the pages that say "being prepared" ask it to say "could not be made"."""
    values = list(values)
    if not values:
        return set()
    last: dict = {}
    rows = (
        Opdracht.objects.filter(soort=kind, **{f"argumenten__{field}__in": values})
        .order_by("pk")
        .values_list(f"argumenten__{field}", "status")
    )
    for value, status in rows:
        last[value] = status
    return {value for value, status in last.items() if status == Opdracht.Status.MISLUKT}


def has_failed(kind: str, **ids) -> bool:
    """True when the last job of ``kind`` with these arguments failed for good (``failed_among``)."""
    status = (
        Opdracht.objects.filter(soort=kind, **{f"argumenten__{k}": v for k, v in ids.items()})
        .order_by("-pk")
        .values_list("status", flat=True)
        .first()
    )
    return status == Opdracht.Status.MISLUKT


def retry(opdrachten) -> int:
    """Start failed jobs again, as the application administrator asks in the admin: pending, with
    their attempts reset, sent to the broker once the transaction commits (the dispatcher sends
    them later when the broker is down). Jobs that did not fail are left alone."""
    pks = list(opdrachten.filter(status=Opdracht.Status.MISLUKT).values_list("pk", flat=True))
    Opdracht.objects.filter(pk__in=pks).update(
        status=Opdracht.Status.WACHT, pogingen=0, niet_voor=timezone.now(), laatste_fout=""
    )
    for pk in pks:
        transaction.on_commit(partial(send, pk))
    return len(pks)


def pending(older_than: timedelta = timedelta(seconds=30)):
    now = timezone.now()
    return Opdracht.objects.filter(
        status=Opdracht.Status.WACHT, niet_voor__lte=now, aangemaakt__lte=now - older_than
    ).order_by("pk")


def dispatch_pending(older_than: timedelta = timedelta(seconds=30), limit: int = 1000) -> int:
    sent = 0
    for pk in pending(older_than).values_list("pk", flat=True)[:limit]:
        if not send(pk):
            break  # the broker is down: try again at the next beat
        sent += 1
    return sent
