from django.urls import path

from . import views

app_name = "datalekken_portaal"
urlpatterns = [
    path("", views.portal_index, name="index"),
    path("<int:pk>.pdf", views.portal_letter, name="letter"),
]
