from django.urls import path

from . import views

app_name = "mfa"
urlpatterns = [
    path("", views.start, name="start"),
    path("inschrijven/", views.enrol, name="enrol"),
    path("inschrijven/<str:token>/", views.enrol_link, name="enrol_link"),
    path("collega-s/", views.colleagues, name="colleagues"),
    path("collega-s/<int:user_id>/herstel/", views.reset, name="reset"),
    path("collega-s/<int:user_id>/inschrijflink/", views.send_link, name="send_link"),
]
