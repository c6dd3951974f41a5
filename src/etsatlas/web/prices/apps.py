from django.apps import AppConfig


class PricesConfig(AppConfig):
    name = "etsatlas.web.prices"
    label = "prices"
