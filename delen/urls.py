from django.urls import path

from . import views

app_name = "delen"

urlpatterns = [
    path("", views.index, name="index"),
    path("verstrekken/<int:pk>/", views.nieuw, name="nieuw"),
    path("verstrekken/<int:pk>/controle/", views.controle, name="controle"),
    path("verstrekken/<int:pk>/bevestigen/", views.bevestig, name="bevestig"),
    path("verstrekkingen/<int:pk>/", views.verstrekking, name="verstrekking"),
    path("leerlingen/<int:pk>/", views.leerling, name="leerling"),
    path("register/<int:pk>/", views.register, name="register"),
    path("register/<int:pk>/vaststellen/", views.vaststellen, name="vaststellen"),
    path("register/versies/<int:pk>/", views.registerversie, name="registerversie"),
    path("overeenkomsten/<int:pk>/document/", views.document, name="document"),
    path("vorderingen/<int:pk>/antwoordbrief/", views.vordering_brief, name="vordering-brief"),
]
