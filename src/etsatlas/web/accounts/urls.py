from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("systems/<slug:system_id>/edit/", views.edit, name="edit"),
    path("systems/<slug:system_id>/history/", views.history, name="history"),
    path("systems/<slug:system_id>/versions/<int:version>/restore/", views.restore, name="restore"),
    path("drafts/<int:pk>/", views.draft_detail, name="draft"),
    path("drafts/<int:pk>/<slug:action>/", views.draft_action, name="draft-action"),
    path("audit/", views.audit_log, name="audit"),
]
