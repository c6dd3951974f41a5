from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "etsatlas.web.core"
    label = "core"
