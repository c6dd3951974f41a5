from django.urls import path

from . import views

app_name = "atlas"
urlpatterns = [
    path("", views.home, name="home"),
    path("systems/", views.system_list, name="systems"),
    path("systems/<slug:system_id>/", views.system_detail, name="system"),
    path("compare/", views.compare, name="compare"),
]
