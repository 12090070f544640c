from django.contrib import admin
from django.urls import include, path

from core import health

urlpatterns = [
    path("health/", health.health, name="health"),
    path("health/live/", health.live, name="health_live"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("leerlingen.urls_front")),  # home, and the log-in landing on "Mijn taken"
    path("admin/", admin.site.urls),
    path("mfa/", include("leerlingen.mfa.urls")),
    path("sso/", include("sso.urls")),
    path("", include("leerlingen.urls")),
    path("delen/", include("delen.urls")),
    path(
        "staf/privacyverklaring/", include("delen.urls_verklaring")
    ),  # the privacy statement (issue 10)
    path("portaal/", include("delen.urls_portaal")),  # the statement in the portal, per child
    path("", include("verzoeken.urls")),  # /portaal/verzoeken/ (parents) and /staf/verzoeken/
    path("staf/datalekken/", include("datalekken.urls")),  # the breach register (issue 19)
    path("datalek-melden/", include("datalekken.urls_melden")),  # a processor's one-time link
    path("portaal/datalekken/", include("datalekken.urls_portaal")),  # the letters (art. 34)
    path(
        "portaal/18-plus/", include("leerlingen.meerderjarig.urls")
    ),  # adult pupils decide (issue 19)
    path("staf/trajecten/", include("trajecten.urls")),  # professional development (issue 17)
    path("", include("toestemming.urls")),  # /portaal/ (parents) and /staf/toestemming/
]
