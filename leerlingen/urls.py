from django.urls import path

from . import views

app_name = "leerlingen"
urlpatterns = [
    path("staf/", views.tasks_page, name="taken"),
    path("staf/toegangscontrole/", views.access_review_page, name="access-review"),
]
