from django.urls import path

from . import views

app_name = "datalekken"
urlpatterns = [
    path("", views.index, name="index"),
    path("nieuw/", views.new, name="new"),
    path("meldlink/", views.issue_link, name="meldlink"),
    path("uit-toegangscontrole/", views.from_flag, name="from-flag"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/wijzigen/", views.edit, name="edit"),
    path("<int:pk>/ap-besluit/", views.decide_ap, name="decide-ap"),
    path("<int:pk>/betrokkenen/", views.decide_people, name="decide-people"),
    path("<int:pk>/ap-formulier/", views.ap_form, name="ap-form"),
    path("<int:pk>/brief.pdf", views.letter, name="letter-preview"),
    path("<int:pk>/brieven/<int:bericht_pk>.pdf", views.letter, name="letter"),
]
