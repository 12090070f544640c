import csv

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.spreadsheet import safe_cell

from . import access_review, audit
from .forms import AccessReviewFilter


@login_required
@require_GET
def access_review_page(request):
    if not access_review.may_review(request.user):
        raise Http404
    everything = access_review.entries(request.user)
    form = AccessReviewFilter(request.GET or None, people=access_review.people(everything))
    filters = form.cleaned_data if form.is_valid() else {}
    qs = access_review.entries(
        request.user, person_id=filters.get("persoon"), start=filters.get("van"), end=filters.get("tot")
    )
    if request.GET.get("formaat") == "csv" and form.is_valid():
        return _csv(request, qs)
    page = Paginator(qs, 50).get_page(request.GET.get("pagina"))
    return render(
        request,
        "leerlingen/toegangscontrole.html",
        {"form": form, "page": page, "flags": access_review.unusual_volume(qs), "query": request.GET.urlencode()},
    )


def _csv(request, qs):
    audit.export_made(user=request.user, object_type="toegangslog", categorieen=set(), reden="access review CSV")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="toegangslog-{timezone.localdate():%Y%m%d}.csv"'
    writer = csv.writer(response)
    writer.writerow(["tijdstip", "gebruiker", "soort", "gegeven", "nummer", "categorieen", "reden"])
    for e in qs.iterator(chunk_size=2000):
        writer.writerow([safe_cell(v) for v in (
            timezone.localtime(e.tijdstip).isoformat(timespec="seconds"), e.gebruiker.username if e.gebruiker else "",
            e.soort, e.object_type, e.object_id, e.categorieen, e.reden,
        )])
    return response
