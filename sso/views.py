"""The staff log-in through the board's provider: start, callback, and the pages after it."""

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from leerlingen.access import bestuur_ids, board_school_ids, groep_ids, school_ids

from .discovery import DiscoveryError, endpoints
from .models import Identiteitsprovider
from .rules import SESSION_PROVIDER


class StartView(OIDCAuthenticationRequestView):
    """``/sso/<board's provider>/``: to the board's provider, with state, nonce and PKCE."""

    def __init__(self, *args, **kwargs):  # the endpoint is the chosen board's, not a setting
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    def get(self, request, pk):
        provider = get_object_or_404(Identiteitsprovider.objects.active(), pk=pk)
        try:
            self.OIDC_OP_AUTH_ENDPOINT = endpoints(provider.issuer)["authorization_endpoint"]
        except (DiscoveryError, KeyError):
            return render(
                request, "sso/refused.html", {"provider": provider, "unreachable": True}, status=502
            )
        self.OIDC_RP_CLIENT_ID = provider.client_id
        request.session[SESSION_PROVIDER] = provider.pk
        return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    @property
    def failure_url(self):
        return reverse("sso:refused")

    @property
    def success_url(self):
        return reverse("sso:welcome")


def has_role(user) -> bool:
    return user.is_superuser or bool(
        school_ids(user) or groep_ids(user) or bestuur_ids(user) or board_school_ids(user)
    )


@never_cache
def welcome(request):
    """After signing in: to work, or, without a role yet, a page that says so."""
    user = request.user
    if not user.is_authenticated:
        return redirect("admin:login")
    if has_role(user) and user.is_staff:
        return redirect("home")
    return render(request, "sso/no_role.html")


@never_cache
def refused(request):
    provider = (
        Identiteitsprovider.objects.active()
        .filter(pk=request.session.get(SESSION_PROVIDER))
        .first()
    )
    return render(request, "sso/refused.html", {"provider": provider})
