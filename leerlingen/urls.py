from django.urls import path

from . import views

app_name = "leerlingen"
urlpatterns = [
    path("staf/toegangscontrole/", views.access_review_page, name="access-review"),
]
