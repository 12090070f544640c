from django.urls import path

from . import views

app_name = "trajecten"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.traject, name="traject"),
    path("opnamen/<int:pk>/bestand/", views.opname_bestand, name="opname_bestand"),
    path("bevestigen/<int:item_id>/", views.bevestig, name="bevestig"),
]
