"""The adult pupil's page in the portal (/portaal/18-plus/): decide per parent whether that
parent may still see their data, and whether they may file requests on the pupil's behalf."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from .. import custody
from ..models import Leerling
from ..portal import portal_login_required
from . import services


class ParentChoice(forms.Form):
    toegestaan = forms.BooleanField(
        label=gettext_lazy("may see my data in the portal"), required=False
    )
    machtiging = forms.BooleanField(
        label=gettext_lazy("may file privacy requests on my behalf"), required=False
    )


def _adult_pupil(user) -> Leerling:
    leerling = (
        Leerling.objects.filter(account=user).select_related("school").first()
        if user.is_authenticated
        else None
    )
    if leerling is None or not custody.is_adult(leerling):
        raise Http404
    return leerling


@portal_login_required
@require_http_methods(["GET", "POST"])
def choice(request):
    leerling = _adult_pupil(request.user)
    parents = services.parents_of(leerling)
    rows = []
    for ouder, besluit in parents:
        initial = {
            "toegestaan": bool(besluit and besluit.toegestaan),
            "machtiging": bool(besluit and besluit.machtiging),
        }
        form = ParentChoice(
            request.POST if request.method == "POST" else None,
            prefix=f"ouder{ouder.pk}",
            initial=initial,
        )
        rows.append((ouder, besluit, form))
    if request.method == "POST" and all(form.is_valid() for _o, _b, form in rows):
        for ouder, besluit, form in rows:
            new = (
                form.cleaned_data["toegestaan"],
                form.cleaned_data["machtiging"] and form.cleaned_data["toegestaan"],
            )
            if besluit is None and not any(new):
                continue  # not deciding keeps the view closed; nothing to record
            if besluit is None or (besluit.toegestaan, besluit.machtiging) != new:
                services.decide(
                    leerling=leerling,
                    ouder=ouder,
                    toegestaan=new[0],
                    machtiging=new[1],
                    by=request.user,
                )
        messages.success(
            request, _("Your choice is saved. Your parents hear the outcome, not your reasons.")
        )
        return redirect("meerderjarig:keuze")
    return render(
        request, "leerlingen/meerderjarig/keuze.html", {"leerling": leerling, "rows": rows}
    )
