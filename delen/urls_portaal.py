"""The privacy statement in the parent portal: /portaal/kind/<pupil>/privacyverklaring/."""

from django.urls import path

from . import views_verklaring as views

app_name = "privacyverklaring_portaal"

urlpatterns = [
    path("kind/<int:pk>/privacyverklaring/", views.portal, name="kind"),
]
