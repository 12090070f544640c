from django.urls import path

from . import views

app_name = "datalekken_melden"
urlpatterns = [path("<str:token>/", views.processor_report, name="melden")]
