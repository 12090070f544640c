from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token

from . import mfa
from .forms_mfa import TokenForm


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/admin/"


@login_required
def start(request):
    if request.user.is_verified():
        return redirect(_next_url(request))
    if mfa.has_confirmed_device(request.user):
        return verify(request)
    return setup(request)


def verify(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", _("This code is not valid. Use the current code from your app, or a recovery code."))
    return render(request, "mfa/verify.html", {"form": form, "next": _next_url(request)})


def setup(request):
    import segno
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save()
            codes = mfa.issue_recovery_codes(request.user)
            otp_login(request, device)
            return render(request, "mfa/recovery_codes.html", {"codes": codes, "next": _next_url(request)})
        form.add_error("token", _("This code is not valid. Check the time on your phone and try the next code."))
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


@login_required
def colleagues(request):
    staff = mfa.colleagues_of(request.user)
    if not request.user.is_superuser and not staff.exists():
        raise Http404
    rows = [(user, mfa.has_confirmed_device(user)) for user in staff]
    return render(request, "mfa/colleagues.html", {"rows": rows})


@login_required
@require_POST
def reset(request, user_id: int):
    colleague = get_object_or_404(mfa.colleagues_of(request.user), pk=user_id)
    mfa.reset_second_factor(user=colleague, by=request.user)
    messages.success(request, _("The second factor of %(name)s was removed. At the next log-in they set up a new one.") % {"name": colleague.get_full_name() or colleague.username})
    return redirect("mfa:colleagues")
