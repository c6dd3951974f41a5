from django.urls import path

from . import views

app_name = "prices"
urlpatterns = [
    path("", views.explorer_page, name="explorer"),
    path("download.<str:fmt>", views.download, name="download"),
]
