from django.urls import path

from . import views

app_name = "meerderjarig"
urlpatterns = [path("", views.choice, name="keuze")]
