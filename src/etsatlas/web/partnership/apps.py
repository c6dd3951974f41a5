from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    name = "etsatlas.web.partnership"
    label = "partnership"
