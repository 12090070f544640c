"""The privacy statement's staff pages (/staf/privacyverklaring/) and the download of a stored
version (also for parents, from the portal)."""

from django.urls import path

from . import views_verklaring as views

app_name = "privacyverklaring"

urlpatterns = [
    path("", views.index, name="index"),
    path("school/<int:pk>/", views.school, name="school"),
    path("school/<int:pk>/genereren/", views.generate, name="genereren"),
    path("versie/<int:pk>/", views.version, name="versie"),
    path("versie/<int:pk>/pdf/", views.download, name="pdf"),
]
