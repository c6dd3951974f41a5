from django.apps import AppConfig


class LinkingConfig(AppConfig):
    name = "etsatlas.web.linking"
    label = "linking"
