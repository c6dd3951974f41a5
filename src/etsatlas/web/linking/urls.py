from django.urls import path

from . import views

app_name = "linking"
urlpatterns = [
    path("compatibility/", views.compatibility, name="compatibility"),
    path("compatibility/report.html", views.report_html, name="report_html"),
    path("compatibility/report.pdf", views.report_pdf, name="report_pdf"),
]
