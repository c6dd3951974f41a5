from django.urls import path

from . import views

app_name = "partnership"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("about/", views.about, name="about"),
]
