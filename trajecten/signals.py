"""A recording's file goes with its row: when the erasure (or anything else) deletes an
``Opname``, the file is removed from the private storage once the transaction commits (a
rolled-back erasure leaves the file where it was)."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import Opname


@receiver(post_delete, sender=Opname, dispatch_uid="trajecten_opname_file")
def delete_file(sender, instance, **kwargs):
    name, storage = instance.bestand.name, instance.bestand.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))
