"""Staff pages of professional development: the trajectories a user may see, a trajectory with
its recordings (upload, stream), and the teacher's confirmation that recordings kept in another
system are deleted. Rows come from ``visible_to``: anything else answers 404. A recording is
never served by URL: ``opname_bestand`` streams it after the same check."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.decorators import staff_required
from leerlingen.retention import destruction
from leerlingen.retention.models import VernietigingslijstItem

from .forms import OpnameForm
from .models import Opname, Traject
from .validators import content_type_of


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


def awaiting_confirmation(user):
    """The destruction items of trajectories ``user`` owns that wait for their confirmation."""
    from django.contrib.contenttypes.models import ContentType

    mine = Traject.objects.filter(leerkracht_id=user.pk).values_list("id", flat=True)
    return (
        VernietigingslijstItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Traject),
            object_id__in=list(mine),
            status=VernietigingslijstItem.Status.TE_BEVESTIGEN,
        )
        .select_related("lijst")
        .order_by("vervaldatum", "id")
    )


@staff_required
@never_cache
@require_GET
def index(request):
    trajecten = Traject.objects.visible_to(request.user).select_related("school", "leerkracht")
    te_bevestigen = list(awaiting_confirmation(request.user))
    by_id = Traject.objects.in_bulk([i.object_id for i in te_bevestigen])
    return render(
        request,
        "trajecten/index.html",
        {
            "trajecten": trajecten,
            "te_bevestigen": [(i, by_id.get(i.object_id)) for i in te_bevestigen],
        },
    )


@staff_required
@never_cache
@require_http_methods(["GET", "POST"])
def traject(request, pk):
    t = get_object_or_404(
        Traject.objects.visible_to(request.user).select_related("school", "leerkracht"), pk=pk
    )
    may_upload = request.user.has_perm("trajecten.add_opname") and not t.is_extern
    form = OpnameForm(request.POST or None, request.FILES or None) if may_upload else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            opname = form.save(commit=False)
            opname.traject, opname.geupload_door = t, request.user
            opname._history_user = request.user
            opname.save()
            messages.success(request, _("The recording is stored."))
            return redirect("trajecten:traject", pk=t.pk)
    return render(
        request,
        "trajecten/traject.html",
        {
            "traject": t,
            "opnamen": Opname.objects.visible_to(request.user).filter(traject=t),
            "groepen": t.groepen.order_by("naam"),
            "form": form,
        },
    )


@staff_required
@never_cache
@require_GET
def opname_bestand(request, pk):
    opname = get_object_or_404(Opname.objects.visible_to(request.user), pk=pk)
    if not opname.bestand:
        raise Http404
    handle = opname.bestand.open("rb")
    content_type = content_type_of(handle.read(16)) or "application/octet-stream"
    handle.seek(0)
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return _no_store(response)


@staff_required
@require_POST
def bevestig(request, item_id):
    item = next((i for i in awaiting_confirmation(request.user) if i.pk == item_id), None)
    if item is None:
        raise Http404
    try:
        destruction.confirm_deletion(item=item, user=request.user)
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", None) or [str(exc)]))
    else:
        messages.success(
            request, _("Thank you: the deletion is confirmed and recorded on the destruction list.")
        )
    return redirect("trajecten:index")
