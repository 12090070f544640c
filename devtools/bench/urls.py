"""URL configuration used only by ``manage.py bench`` (applied in-process with override_settings).

The production URLs plus the floor: a minimal view that reads one row by primary key through the
same middleware stack, so a page's time can be read as a multiple of what any request costs.
Production (``privacyschool.urls``) never serves this path.
"""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import include, path

from leerlingen.models import Leerling


def floor(request, pk: int):
    """One pupil row by primary key, read whole by the ORM; a tiny answer without its contents."""
    get_object_or_404(Leerling, pk=pk)
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("__bench__/floor/<int:pk>/", floor, name="bench-floor"),
    path("", include("privacyschool.urls")),
]
