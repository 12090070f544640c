"""The front door (issue 18), without a namespace and before the admin's own URLs: the home page
sends each person where they work, and the admin's log-in lands staff on "Mijn taken"."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("admin/login/", views.staff_login),
]
