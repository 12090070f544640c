"""The parent portal (namespace ``portaal``) and the staff pages (namespace ``toestemming_staf``)."""

from django.urls import include, path

from . import staf, views

portaal = [
    path("", views.overview, name="overzicht"),
    path("inloggen/", views.login_view, name="login"),
    path("inloggen/link-verstuurd/", views.link_sent, name="link_verstuurd"),
    path("inloggen/link/<str:token>/", views.link_login, name="link"),
    path("uitloggen/", views.logout_view, name="logout"),
    path("toestemming/", views.consent_start, name="toestemming"),
    path("geschiedenis/", views.history_choice, name="geschiedenis_kies"),
    path("privacyverklaring/", views.statement_choice, name="privacyverklaring"),
    path("kind/<int:pk>/", views.child, name="kind"),
    path("kind/<int:pk>/doel/<int:doel_id>/", views.decide, name="besluit"),
    path("kind/<int:pk>/geschiedenis/", views.history, name="geschiedenis"),
]

staff = [
    path("", staf.index, name="index"),
    path("groep/<int:pk>/", staf.group, name="groep"),
    path("groep/<int:pk>/fotolijst.pdf", staf.group_pdf, name="fotolijst"),
    path("groep/<int:pk>/herinnering/", staf.group_reminders, name="herinnering"),
    path("groep/<int:pk>/brieven.pdf", staf.group_letters, name="brieven"),
    path("leerling/<int:pk>/papier/", staf.paper_form, name="papier"),
]

urlpatterns = [
    path("portaal/", include((portaal, "portaal"))),
    path("staf/toestemming/", include((staff, "toestemming_staf"))),
]
