"""Run inside `manage.py shell` on the embedded default with the demo loaded: the director approves
the demo's waiting destruction list, it is carried out after its waiting period, and restrictions
per category are asked; prints one JSON line for the test to read."""

import json
from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from leerlingen.models import Leerling
from leerlingen.restriction import restricted_ids
from leerlingen.retention.destruction import approve_list, carry_out_list
from leerlingen.retention.models import Vernietigingslijst, VernietigingslijstItem

lijst = Vernietigingslijst.objects.filter(status=Vernietigingslijst.Status.OPEN).first()
director = User.objects.get(username="directeur")
approve_list(lijst=lijst, user=director, bevestiging=lijst.naam)
pupils = list(lijst.items.exclude(leerling_id_ref=None).values_list("leerling_id_ref", flat=True))
carry_out_list(lijst_id=lijst.pk, now=timezone.now() + timedelta(days=60))
lijst.refresh_from_db()
print(
    json.dumps(
        {
            "status": lijst.status,
            "destroyed": lijst.items.filter(
                status=VernietigingslijstItem.Status.VERNIETIGD
            ).count(),
            "pupils_on_list": len(pupils),
            "pupils_left": Leerling.objects.filter(pk__in=pupils).count(),
            "restricted": sorted(
                restricted_ids(Leerling.objects.values_list("pk", flat=True), ["beeld"])
            ),
        }
    )
)
