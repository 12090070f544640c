import functools
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from django_otp import login as otp_login
from django_otp import match_token

from core.pagination import paginate

from . import enrolment, rules
from . import tasks as _tasks  # noqa: F401  (registers the outbox jobs where the views run)
from .forms import TokenForm
from .middleware import needs_second_step, to_second_step


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/admin/"


def _with_next(name: str, request) -> str:
    return f"{reverse(name)}?{urlencode({'next': _next_url(request)})}"


def verified_required(view):
    """Logged in, and past the second step if the user needs it (the middleware says so too)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if needs_second_step(request):
            return to_second_step(request)
        return view(request, *args, **kwargs)

    return login_required(wrapper)


@login_required
def start(request):
    if rules.second_step_done(request):
        return redirect(_next_url(request))
    if rules.has_confirmed_device(request.user):
        return verify(request)
    return redirect(_with_next("mfa:enrol", request))


def verify(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error(
            "token",
            _("This code is not valid. Use the current code from your app, or a recovery code."),
        )
    return render(request, "mfa/verify.html", {"form": form, "next": _next_url(request)})


def enrol_link(request, token: str):
    """The link from the mail: keep its hash in the session, then enrol (after the password)."""
    request.session[enrolment.SESSION_KEY] = enrolment.token_hash(token[:100])
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("mfa:enrol"))
    return redirect("mfa:enrol")


@login_required
def enrol(request):
    """Set up the first device: only with a valid enrolment link of this very user."""
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    if rules.has_confirmed_device(user):
        return redirect(_with_next("mfa:start", request))
    hashed = request.session.get(enrolment.SESSION_KEY)
    if enrolment.valid_link(user=user, hashed=hashed) is None:
        return render(request, "mfa/ask_for_link.html", {"opened_link": bool(hashed)})
    return _setup(request, hashed)


def _setup(request, hashed: str):
    import segno
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            with transaction.atomic():
                link = enrolment.valid_link(user=request.user, hashed=hashed, for_update=True)
                if link is None:  # used up meanwhile (another tab)
                    return render(request, "mfa/ask_for_link.html", {"opened_link": True})
                enrolment.redeem(link)
                device.confirmed = True
                device.save()
                codes = rules.issue_recovery_codes(request.user)
            request.session.pop(enrolment.SESSION_KEY, None)
            otp_login(request, device)
            return render(
                request, "mfa/recovery_codes.html", {"codes": codes, "next": _next_url(request)}
            )
        form.add_error(
            "token",
            _("This code is not valid. Check the time on your phone and try the next code."),
        )
    from base64 import b32encode

    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "mfa/setup.html",
        {
            "form": form,
            "qr_data_uri": qr.svg_data_uri(scale=5, dark="#1b1b1b"),
            "secret": b32encode(device.bin_key).decode(),
            "next": _next_url(request),
        },
    )


@verified_required
def colleagues(request):
    if not rules.manages_second_factors(request.user):
        raise Http404
    page = paginate(request, rules.colleagues_of(request.user))
    rows = [(user, user.has_device) for user in page]
    return render(
        request, "mfa/colleagues.html", {"rows": rows, "page": page, "hours": enrolment.LINK_HOURS}
    )


def _name(user) -> str:
    return user.get_full_name() or user.username


@verified_required
@require_POST
def reset(request, user_id: int):
    colleague = get_object_or_404(rules.colleagues_of(request.user), pk=user_id)
    rules.reset_second_factor(user=colleague, by=request.user)
    messages.success(
        request,
        _(
            "The second factor of %(name)s was removed and they were told by e-mail. "
            "To log in again they need a new enrolment link."
        )
        % {"name": _name(colleague)},
    )
    return redirect("mfa:colleagues")


@verified_required
@require_POST
def send_link(request, user_id: int):
    colleague = get_object_or_404(rules.colleagues_of(request.user), pk=user_id)
    name = {"name": _name(colleague)}
    if colleague.has_device:
        messages.error(
            request,
            _("%(name)s already has a second factor. Reset it first if they lost it.") % name,
        )
    elif not colleague.email:
        messages.error(
            request, _("%(name)s has no e-mail address. Add one to their account first.") % name
        )
    else:
        enrolment.issue_link(user=colleague, by=request.user)
        messages.success(
            request,
            _("An enrolment link was e-mailed to %(name)s. It works once, within %(hours)s hours.")
            % {**name, "hours": enrolment.LINK_HOURS},
        )
    return redirect("mfa:colleagues")
