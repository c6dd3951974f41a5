from django.apps import AppConfig


class AtlasConfig(AppConfig):
    name = "etsatlas.web.atlas"
    label = "atlas"
