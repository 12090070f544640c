from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from core import health

urlpatterns = [
    path("health/", health.health, name="health"),
    path("health/live/", health.live, name="health_live"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("mfa/", include("leerlingen.mfa.urls")),
    path("", include("leerlingen.urls")),
    path("delen/", include("delen.urls")),
    path("staf/privacyverklaring/", include("delen.urls_verklaring")),  # the privacy statement (issue 10)
    path("", include("verzoeken.urls")),  # /portaal/verzoeken/ (parents) and /staf/verzoeken/
    path("", include("toestemming.urls")),  # /portaal/ (parents) and /staf/toestemming/
    path("", RedirectView.as_view(pattern_name="admin:index"), name="home"),
]
