from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "etsatlas.web.library"
    label = "library"
    verbose_name = "Knowledge library"

    def ready(self):
        from . import seeding, signals  # noqa: F401 - registers the seeder and the signal handlers

        signals.connect(self)
