from django.urls import path

from . import views_mfa

app_name = "mfa"
urlpatterns = [
    path("", views_mfa.start, name="start"),
    path("collega-s/", views_mfa.colleagues, name="colleagues"),
    path("collega-s/<int:user_id>/herstel/", views_mfa.reset, name="reset"),
]
