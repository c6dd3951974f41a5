from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    name = "etsatlas.web.partnership"
    label = "partnership"
    verbose_name = "Partnership"

    def ready(self):
        from . import seeding  # noqa: F401 - registers the seeder
