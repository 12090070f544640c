"""The request pages: the parent portal (/portaal/verzoeken/, namespace ``verzoeken_portaal``)
and the staff pages (/staf/verzoeken/, namespace ``verzoeken``)."""

from django.urls import include, path

from . import portal, views

portaal = [
    path("", portal.index, name="index"),
    path("nieuw/", portal.new, name="nieuw"),
    path("<int:pk>/", portal.detail, name="detail"),
    path("<int:pk>/intrekken/", portal.withdraw, name="intrekken"),
    path("<int:pk>/document/<int:doc>/", portal.document, name="document"),
]

staff = [
    path("", views.index, name="index"),
    path("register/", views.register, name="register"),
    path("register.csv", views.register_csv, name="register_csv"),
    path("nieuw/", views.find_pupil, name="nieuw"),
    path("nieuw/<int:leerling>/", views.new, name="nieuw_leerling"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/afspraak/", views.appointment, name="afspraak"),
    path("<int:pk>/identiteit/", views.identity, name="identiteit"),
    path("<int:pk>/verlengen/", views.extend, name="verlengen"),
    path("<int:pk>/voorleggen/", views.submit, name="voorleggen"),
    path("<int:pk>/beoordeling/", views.review, name="beoordeling"),
    path("<int:pk>/terugsturen/", views.send_back, name="terugsturen"),
    path("<int:pk>/beantwoorden/", views.answer, name="beantwoorden"),
    path("<int:pk>/intrekken/", views.withdraw, name="intrekken"),
    path("<int:pk>/kopie/", views.copy, name="kopie"),
    path("<int:pk>/document/<int:doc>/", views.document, name="document"),
    path("melding/<int:pk>/", views.informed, name="melding"),
    path("beperking/<int:pk>/opheffen/", views.lift_restriction, name="beperking_opheffen"),
]

urlpatterns = [
    path("portaal/verzoeken/", include((portaal, "verzoeken_portaal"))),
    path("staf/verzoeken/", include((staff, "verzoeken"))),
]
