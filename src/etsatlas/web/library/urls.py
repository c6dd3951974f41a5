from django.urls import path, re_path

from . import feeds, views

app_name = "library"
SCOPE = r"(?P<kind>type|topic|system)/(?P<value>[a-z0-9_-]+)"
urlpatterns = [
    path("", views.index, name="index"),
    path("resources/<slug:slug>/", views.resource_detail, name="resource"),
    path("resources/<slug:slug>/file.pdf", views.attachment, name="attachment"),
    path("people/<slug:person_id>/", views.person_detail, name="person"),
    path("organisations/<slug:org_id>/", views.organisation_detail, name="organisation"),
    path("feeds/rss/", feeds.ResourceFeed(), name="feed-rss"),
    path("feeds/atom/", feeds.AtomResourceFeed(), name="feed-atom"),
    re_path(rf"^feeds/{SCOPE}/rss/$", feeds.ResourceFeed(), name="feed-rss-scoped"),
    re_path(rf"^feeds/{SCOPE}/atom/$", feeds.AtomResourceFeed(), name="feed-atom-scoped"),
]
