"""Staff pages (/staf/toestemming/): per group who may be photographed, the printable photo list,
unanswered forms, reminders, and entering a signed paper form. Groups and pupils come from
``visible_to``; a teacher sees only the own groups."""

from datetime import datetime, time

from django.contrib import messages
from django.db import connection
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.decorators import staff_required
from core.pagination import paginate
from core.pdf import cached_pdf, render_pdf
from core.sql import ordered_list_sql
from leerlingen import audit, custody
from leerlingen.models import Gegevenscategorie, Gezagsrelatie, Groep, Leerling, Ouder, School
from leerlingen.schooljaar import current_schooljaar

from .access import recordable_pupils
from .forms import PaperForm
from .models import Doel, Formulier, Toestemming
from .rules import ConsentRefused
from .selectors import current_forms, form_texts, groups_status
from .services import record_paper_form, reminders_due, request_reminders
from .views import render_page


def _groepen(user):
    return (
        Groep.objects.visible_to(user)
        .filter(schooljaar=current_schooljaar())
        .select_related("school")
    )


@staff_required
def index(request):
    page = paginate(
        request, _groepen(request.user).order_by("school__naam", "jaargroep", "naam"), 50
    )
    statuses = groups_status(user=request.user, groepen=page.object_list)
    return render_page(
        request,
        "toestemming/staf/index.html",
        {"page": page, "statuses": statuses, "schooljaar": current_schooljaar()},
    )


def _group_status(request, pk):
    groep = get_object_or_404(_groepen(request.user), pk=pk)
    (status,) = groups_status(user=request.user, groepen=[groep])
    return groep, status


@staff_required
def group(request, pk: int):
    groep, status = _group_status(request, pk)
    may_record = recordable_pupils(request.user).filter(groep=groep).exists()
    return render_page(
        request,
        "toestemming/staf/groep.html",
        {"groep": groep, "status": status, "may_record": may_record},
    )


def _photo_list_state(user, groep) -> str:
    """What the photo list of ``groep`` shows, as of now, in one query: the pupils the user sees
    in it and the latest change (history row) of each kind of row that feeds the list; and the day,
    as a pupil's sixteenth birthday changes who decides. Any change in it makes a new PDF."""
    members_sql, members_params = (
        Leerling.objects.visible_to(user).filter(groep=groep).values("id").query.sql_with_params()
    )
    tables = {
        name: model.history.model._meta.db_table
        for name, model in (
            ("leerling", Leerling),
            ("toestemming", Toestemming),
            ("gezag", Gezagsrelatie),
            ("doel", Doel),
            ("formulier", Formulier),
            ("groep", Groep),
            ("school", School),
        )
    }
    sql = f"""
        WITH m AS ({members_sql})
        SELECT {ordered_list_sql(connection, "id", "m")},
          (SELECT max(history_date) FROM {tables["leerling"]} WHERE id IN (SELECT id FROM m)),
          (SELECT max(history_date) FROM {tables["toestemming"]} WHERE leerling_id IN (SELECT id FROM m)),
          (SELECT max(history_date) FROM {tables["gezag"]} WHERE leerling_id IN (SELECT id FROM m)),
          (SELECT max(history_date) FROM {tables["doel"]} WHERE school_id = %s),
          (SELECT max(history_date) FROM {tables["formulier"]} WHERE school_id = %s),
          (SELECT max(history_date) FROM {tables["groep"]} WHERE id = %s),
          (SELECT max(history_date) FROM {tables["school"]} WHERE id = %s)
    """  # noqa: S608 - table names from the models; values as parameters
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [*members_params, groep.school_id, groep.school_id, groep.pk, groep.school_id]
        )
        row = cursor.fetchone()
    return f"fotolijst|{groep.pk}|{timezone.localdate()}|" + "|".join(str(v) for v in row)


@staff_required
def group_pdf(request, pk: int):
    """The photo list as PDF: rendered once per state of its data (``cached_pdf``), as a teacher
    prints it again before every outing."""
    groep = get_object_or_404(_groepen(request.user), pk=pk)

    def context():
        (status,) = groups_status(user=request.user, groepen=[groep])
        return {"groep": groep, "status": status, "gemaakt_op": timezone.localtime()}

    pdf = cached_pdf("pdf/fotolijst.html", _photo_list_state(request.user, groep), context)
    audit.export_made(
        user=request.user,
        object_type="fotolijst",
        categorieen=[Gegevenscategorie.BEELD],
        reden="photo list of a group (consent per purpose)",
        object_id=groep.pk,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="fotolijst-{groep.pk}.pdf"'
    return response


@staff_required
@require_POST
def group_reminders(request, pk: int):
    groep = get_object_or_404(_groepen(request.user), pk=pk)
    leerlingen = Leerling.objects.visible_to(request.user).filter(groep=groep)
    if request.POST.get("bevestigd") != "ja":
        # Ask first, with the number of parents it reaches (issue 18); nothing is sent yet.
        due = reminders_due(leerlingen=leerlingen, door=request.user)
        if due:
            return render_page(
                request,
                "toestemming/staf/herinnering_bevestigen.html",
                {"groep": groep, "ouders": len({ouder.pk for _f, ouder in due})},
            )
    made = request_reminders(leerlingen=leerlingen, door=request.user)
    if made:
        messages.success(
            request, _("%(count)d reminders are being sent by e-mail.") % {"count": len(made)}
        )
    else:
        messages.info(
            request,
            _(
                "No reminders to send: every family has answered, has no e-mail address, or was reminded today."
            ),
        )
    return redirect("toestemming_staf:groep", pk=pk)


@staff_required
@require_POST
def group_letters(request, pk: int):
    """The letters (PDF) with a personal code for every parent with gezag in the group who has no
    portal account yet (and every such pupil of 16+). Whoever may record paper forms for the group
    may print them.

    A code is an invitation that only makes an account (``portal_auth.redeem_code``). It is printed
    straight into the PDF and never shown on a page; only its hash is kept, so a new letter
    replaces the unused old one of the same group (not the letter of a child in another group).
    """
    from .portal_auth import end_of_schooljaar, issue_code

    groep = get_object_or_404(_groepen(request.user), pk=pk)
    pupils = list(
        recordable_pupils(request.user).filter(groep=groep).order_by("achternaam", "roepnaam", "id")
    )
    if not pupils:
        raise Http404
    schooljaar = groep.schooljaar
    brieven = []
    # Who decides for a pupil and has no account yet: each parent once, and the pupils of 16+.
    parents: dict[int, tuple[Ouder, Leerling]] = {}
    own: list[Leerling] = []
    deciders = custody.deciders_of(pupils)
    for leerling in pupils:
        for decider in deciders[leerling.pk]:
            if decider.is_pupil and leerling.account_id is None:
                own.append(leerling)
            elif decider.ouder and decider.ouder.account_id is None:
                parents.setdefault(decider.ouder.pk, (decider.ouder, leerling))
    for ouder, leerling in parents.values():
        code = issue_code(schooljaar=schooljaar, door=request.user, ouder=ouder, groep=groep)
        brieven.append({"naam": str(ouder), "kind": leerling.roepnaam, "code": code})
    for leerling in own:
        code = issue_code(schooljaar=schooljaar, door=request.user, leerling=leerling, groep=groep)
        brieven.append({"naam": leerling.volledige_naam, "kind": None, "code": code})
    if not brieven:
        messages.info(
            request,
            _(
                "Everyone in this group who decides on consent already has a portal account: "
                "no letters are needed."
            ),
        )
        return redirect("toestemming_staf:groep", pk=pk)
    pdf, _html = render_pdf(
        "pdf/brieven.html",
        {
            "groep": groep,
            "brieven": brieven,
            "geldig_tot": end_of_schooljaar(schooljaar),
            "portal_url": request.build_absolute_uri(reverse("portaal:login")),
        },
    )
    audit.export_made(
        user=request.user,
        object_type="toegangscodes",
        categorieen=[Gegevenscategorie.OUDERS],
        reden="letters with personal portal codes for a group",
        object_id=groep.pk,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="brieven-{groep.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@staff_required
@require_http_methods(["GET", "POST"])
def paper_form(request, pk: int):
    leerling = get_object_or_404(
        recordable_pupils(request.user).select_related("school", "groep"), pk=pk
    )
    form_row = current_forms([leerling.school_id], current_schooljaar()).get(leerling.school_id)
    teksten = form_texts([form_row])[form_row.id] if form_row else []
    form = PaperForm(
        request.POST or None,
        deciders=custody.deciders(leerling),
        teksten=teksten,
        schooljaar=form_row.schooljaar if form_row else current_schooljaar(),
        initial={"ondertekend_op": timezone.localdate()},
    )
    if request.method == "POST" and form_row and form.is_valid():
        beslisser = form.cleaned_data["beslisser"]
        doelen = {d.id: d for d in Doel.objects.filter(id__in=[t.doel_id for t in teksten])}
        antwoorden = {
            doelen[t.doel_id]: form.cleaned_data[f"doel_{t.doel_id}"] == "ja"
            for t in teksten
            if form.cleaned_data.get(f"doel_{t.doel_id}")
        }
        signed = timezone.make_aware(
            datetime.combine(form.cleaned_data["ondertekend_op"], time(12))
        )
        try:
            record_paper_form(
                leerling=leerling,
                antwoorden=antwoorden,
                vastgelegd_door=request.user,
                ouder=beslisser.ouder,
                door_leerling=beslisser.is_pupil,
                ondertekend_op=signed,
            )
        except ConsentRefused as refused:
            form.add_error(None, refused.messages[0])
        else:
            messages.success(request, _("The paper form has been recorded."))
            if leerling.groep_id:
                return redirect("toestemming_staf:groep", pk=leerling.groep_id)
            return redirect("toestemming_staf:index")
    return render_page(
        request,
        "toestemming/staf/papier.html",
        {"leerling": leerling, "form": form, "formulier": form_row},
    )
