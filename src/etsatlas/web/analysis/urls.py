from django.urls import path

from . import views

app_name = "analysis"
urlpatterns = [
    path("simulate/", views.simulate, name="simulate"),
]
