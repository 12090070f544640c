from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.views.decorators.http import require_GET

from core.decorators import staff_required
from core.pagination import paginate
from core.spreadsheet import csv_response

from . import access_review, audit, werk
from .forms import AccessReviewFilter
from .models import Toegangslog


def home(request):
    """The front door: staff to "Mijn taken", a signed-in parent or pupil to the portal, anyone
    else to the staff log-in (the portal has its own log-in page)."""
    if request.user.is_authenticated and not request.user.is_staff:
        return redirect("portaal:overzicht")
    return redirect("leerlingen:taken" if request.user.is_authenticated else "admin:index")


def staff_login(request):
    """The admin's log-in page, landing on "Mijn taken" instead of the admin index when no
    ``next`` is given (the admin only lets staff in)."""
    from django.contrib import admin
    from django.contrib.auth import REDIRECT_FIELD_NAME
    from django.urls import reverse

    given = REDIRECT_FIELD_NAME in request.GET or REDIRECT_FIELD_NAME in request.POST
    landing = None if given else {REDIRECT_FIELD_NAME: reverse("leerlingen:taken")}
    return admin.site.login(request, extra_context=landing)


@staff_required
@require_GET
def tasks_page(request):
    """The page "Mijn taken": what needs this staff member now, from every app (``werk.tasks_for``)."""
    return render(request, "leerlingen/taken.html", {"secties": werk.tasks_for(request.user)})


@staff_required
@require_GET
def access_review_page(request):
    if not access_review.may_review(request.user):
        raise Http404
    everything = access_review.entries(request.user)
    form = AccessReviewFilter(request.GET or None, people=access_review.people(everything))
    filters = form.cleaned_data if form.is_valid() else {}
    qs = access_review.entries(
        request.user,
        person_id=filters.get("persoon"),
        start=filters.get("van"),
        end=filters.get("tot"),
    )
    if request.GET.get("formaat") == "csv" and form.is_valid():
        return _csv(request, qs)
    page = paginate(request, qs)
    for entry in page.object_list:  # the stored codes in the reader's language
        entry.object_type_label = audit.object_type_label(entry.object_type)
        entry.categorieen_label = audit.categories_label(entry.categorieen)
        entry.reden_label = audit.reason_label(entry.reden)
    return render(
        request,
        "leerlingen/toegangscontrole.html",
        {
            "form": form,
            "page": page,
            "flags": access_review.unusual_volume(qs),
            "query": request.GET.urlencode(),
        },
    )


def _csv(request, qs):
    audit.export_made(
        user=request.user, object_type="toegangslog", categorieen=set(), reden="access review CSV"
    )
    rows = (
        (
            timezone.localtime(e.tijdstip).isoformat(timespec="seconds"),
            e.gebruiker.username if e.gebruiker else "",
            e.get_soort_display(),
            audit.object_type_label(e.object_type),
            e.object_id,
            audit.categories_label(e.categorieen),
            audit.reason_label(e.reden),
        )
        for e in qs.iterator(chunk_size=2000)
    )
    header = [
        capfirst(str(getattr(Toegangslog._meta.get_field(name), "verbose_name", name)))
        for name in (
            "tijdstip",
            "gebruiker",
            "soort",
            "object_type",
            "object_id",
            "categorieen",
            "reden",
        )
    ]
    return csv_response(f"toegangslog-{timezone.localdate():%Y%m%d}.csv", header, rows)
