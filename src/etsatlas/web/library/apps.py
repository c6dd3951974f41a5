from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "etsatlas.web.library"
    label = "library"
