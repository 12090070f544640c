"""Professional development on the demo board: at the first school a teacher's video-coaching
trajectory that ended last school year, with a recording uploaded here, and one whose recordings
are kept on the school's share. Both ran out ("wiped when the trajectory ends"), so the demo's
destruction list holds them: the uploaded recording is deleted with the list, the share waits
for the teacher's confirmation."""

from datetime import date, timedelta

from django.core.files.base import ContentFile

from leerlingen.models import Rol

from .models import Opname, Opslag, Traject
from .roles import sync_traject_permissions

# The smallest file the upload check accepts as MP4 (an ftyp box): the demo's stand-in video.
DEMO_MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


def load_demo(bestuur, *, today=None, **kwargs):
    from leerlingen.models import School

    sync_traject_permissions()
    school = School.objects.filter(bestuur=bestuur).order_by("id").first()
    grant = _teacher_grant(school) if school else None
    if grant is None:
        return []
    teacher, groep = grant.user, grant.content_object
    today = today or date.today()
    ended = today - timedelta(days=120)
    uploaded = Traject.objects.create(
        school=school,
        leerkracht=teacher,
        omschrijving="Beeldcoaching, eerste ronde",
        begindatum=ended - timedelta(days=150),
        einddatum=ended,
        opslag=Opslag.PRODUCT,
    )
    uploaded.groepen.set([groep])
    Opname.objects.create(
        traject=uploaded,
        opgenomen_op=ended - timedelta(days=30),
        toelichting="Rekenles",
        bestand=ContentFile(DEMO_MP4, name="les.mp4"),
        geupload_door=teacher,
    )
    shared = Traject.objects.create(
        school=school,
        leerkracht=teacher,
        omschrijving="Intervisie met video",
        begindatum=ended - timedelta(days=90),
        einddatum=ended,
        opslag=Opslag.EXTERN,
        opslag_omschrijving="Schoolserver, map Beeldcoaching",
    )
    shared.groepen.set([groep])
    running = Traject.objects.create(
        school=school,
        leerkracht=teacher,
        omschrijving="Beeldcoaching, tweede ronde",
        begindatum=today,
        einddatum=today + timedelta(days=180),
        opslag=Opslag.PRODUCT,
    )
    running.groepen.set([groep])
    return []


def _teacher_grant(school):
    from leerlingen.models import GroepGrant

    return (
        GroepGrant.objects.filter(
            content_object__school=school, permission__codename=Rol.LEERKRACHT.codename
        )
        .select_related("user", "content_object")
        .order_by("id")
        .first()
    )
