from django.urls import path

from . import views

app_name = "sso"

urlpatterns = [
    path("<int:pk>/", views.StartView.as_view(), name="start"),
    path("callback/", views.CallbackView.as_view(), name="callback"),
    path("welkom/", views.welcome, name="welcome"),
    path("geweigerd/", views.refused, name="refused"),
]
